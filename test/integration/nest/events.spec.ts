import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, KafkaContext, ServerKafka } from '../../../src/index.js';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';
import { readMessages, testKafka } from '../../support/test-kafka.js';

const p = uniqueTopic('events');
const FLAKY = `${p}.flaky`;
const POISON = `${p}.poison`;
const SKIPPED = `${p}.skipped`;
const COMMITTED = `${p}.committed`;
const BATCH = `${p}.batch`;

interface OrderEvent {
  id?: number;
}

const calls: Record<string, unknown[]> = { flaky: [], poison: [], skipped: [], committed: [], batch: [] };

@Controller()
class EventsController {
  @EventPattern(FLAKY)
  flaky(@Payload() event: OrderEvent) {
    calls.flaky.push(event.id);
    if (calls.flaky.length < 3) throw new Error('database briefly unavailable');
  }

  @EventPattern(POISON)
  poison(@Payload() event: OrderEvent) {
    calls.poison.push(event.id);
    if (event.id === 1) throw new Error(`cannot process order ${event.id}`);
  }

  @EventPattern(SKIPPED, { eventRetry: { attempts: 1, deadLetter: false } })
  skipped(@Payload() event: OrderEvent) {
    calls.skipped.push(event.id);
    if (event.id === 1) throw new Error('not worth keeping');
  }

  // The explicit type argument picks Nest 12's untyped overload, whose handlers may take @Ctx().
  @EventPattern<string>(COMMITTED)
  async committed(@Payload() event: OrderEvent, @Ctx() context: KafkaContext) {
    calls.committed.push(event.id);
    const { offset } = context.getMessage() as unknown as { offset: string };
    await context.getConsumer().commitOffsets([{ topic: context.getTopic(), partition: context.getPartition(), offset: String(Number(offset) + 1) }]);
  }

  @EventPattern<string>(BATCH)
  batch(@Payload() event: OrderEvent, @Ctx() context: KafkaContext) {
    const { key } = context.getMessage() as unknown as { key: string };
    calls.batch.push(`${key}:${event.id}`);
  }
}

@Module({ controllers: [EventsController] })
class EventsModule {}

describe('events on ServerKafka', () => {
  let server: INestMicroservice;
  let client: ClientKafka;
  const groupId = uniqueGroupId('events-server');

  beforeAll(async () => {
    server = await startMicroservice(
      EventsModule,
      new ServerKafka({ ...kafkaOptions('events-server'), consumer: { groupId }, postfixId: '', run: { autoCommit: false }, eventRetry: { attempts: 3, backoffMs: 50 } }),
    );
    client = new ClientKafka({ ...kafkaOptions('events-client'), producerOnlyMode: true });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('tries a failing event again until the handler succeeds', async () => {
    await firstValueFrom(client.emit(FLAKY, { id: 7 }));
    await waitFor(() => calls.flaky.length >= 3, { timeoutMs: 30_000, what: 'three tries' });
    expect(calls.flaky).toEqual([7, 7, 7]);
  });

  it('moves an event that keeps failing to <topic>.dlq with where it came from and why, and moves on', async () => {
    await firstValueFrom(client.emit(POISON, { key: 'order-1', value: { id: 1 }, headers: { tenant: 'acme' } }));
    await firstValueFrom(client.emit(POISON, { key: 'order-2', value: { id: 2 } }));
    await waitFor(() => calls.poison.includes(2), { timeoutMs: 30_000, what: 'the next event on the partition' });
    expect(calls.poison).toEqual([1, 1, 1, 2]);

    const [dead] = await readMessages(testKafka(), `${POISON}.dlq`, 1);
    const header = (name: string) => dead.headers?.[name]?.toString();
    expect(dead.key?.toString()).toBe('order-1');
    expect(dead.value?.toString()).toBe('{"id":1}');
    expect(header('tenant')).toBe('acme');
    expect(header('kafka_dlt-original-topic')).toBe(POISON);
    expect(header('kafka_dlt-original-partition')).toBe('0');
    expect(header('kafka_dlt-original-offset')).toBe('0');
    expect(header('kafka_dlt-original-key')).toBe('order-1');
    expect(header('kafka_dlt-original-consumer-group')).toBe(groupId);
    expect(header('kafka_dlt-attempts')).toBe('3');
    // Nest's exception filter turns a plain Error into its generic payload before the transport sees it.
    expect(header('kafka_dlt-exception-message')).toBe('Internal server error');
  });

  it('skips a failing event without a dead letter only when the handler opts in', async () => {
    await firstValueFrom(client.emit(SKIPPED, { id: 1 }));
    await firstValueFrom(client.emit(SKIPPED, { id: 2 }));
    await waitFor(() => calls.skipped.includes(2), { timeoutMs: 30_000, what: 'the event after the skipped one' });
    expect(calls.skipped).toEqual([1, 2]);
    const admin = testKafka().admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).not.toContain(`${SKIPPED}.dlq`);
  });

  it('commits only what the handler commits through the context when autoCommit is off', async () => {
    await firstValueFrom(client.emitBatch(COMMITTED, { messages: [{ id: 1 }, { id: 2 }, { id: 3 }] }));
    await waitFor(() => calls.committed.length >= 3, { timeoutMs: 30_000, what: 'three events' });
    const admin = testKafka().admin();
    await admin.connect();
    const offsets = await waitFor(
      async () => {
        const [result] = await admin.fetchOffsets({ groupId, topics: [COMMITTED] });
        return result.partitions[0].offset === '3' ? result.partitions : false;
      },
      { timeoutMs: 10_000, what: 'committed offset 3' },
    );
    await admin.disconnect();
    expect(offsets).toEqual([{ partition: 0, offset: '3', metadata: null }]);
  });

  it('sends a batch in one call, each message with its own key', async () => {
    await firstValueFrom(client.emitBatch(BATCH, { messages: [{ key: 'a', value: { id: 1 } }, { key: 'b', value: { id: 2 } }] }));
    await waitFor(() => calls.batch.length >= 2, { timeoutMs: 30_000, what: 'two events' });
    expect(calls.batch).toEqual(['a:1', 'b:2']);
  });
});
