import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, KafkaContext, ServerKafka } from '../../src/index.js';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../src/testing/index.js';
import { kafkaOptions, startMicroservice } from '../support/nest-apps.js';
import { readMessages, testKafka } from '../support/test-kafka.js';

const p = uniqueTopic('topic-consumers');
const SLOW = `${p}.slow`;
const FAST = `${p}.fast`;
const FAILING = `${p}.failing`;
const SLOW_RECORDS = 5;
const FAST_RECORDS = 20;

const slowDone: number[] = [];
// Produce-to-handle time of each fast record, from the record's own timestamp (set by the producer).
const fastLatencies: number[] = [];
const consumersSeen = new Map<string, unknown>();

@Controller()
class TopicsController {
  @EventPattern<string>(SLOW)
  async slow(@Payload() event: { id: number }, @Ctx() context: KafkaContext) {
    consumersSeen.set(SLOW, context.getConsumer());
    await new Promise((wake) => setTimeout(wake, 1000));
    slowDone.push(event.id);
  }

  @EventPattern<string>(FAST)
  fast(@Payload() _event: { id: number }, @Ctx() context: KafkaContext) {
    consumersSeen.set(FAST, context.getConsumer());
    fastLatencies.push(Date.now() - Number((context.getMessage() as unknown as { timestamp: string }).timestamp));
  }

  @EventPattern<string>(FAILING, { eventRetry: { attempts: 1 } })
  failing() {
    throw new Error('always');
  }
}

@Module({ controllers: [TopicsController] })
class TopicsModule {}

describe('topicConsumers: true, a consumer and a group per topic', () => {
  let server: INestMicroservice;
  let client: ClientKafka;
  const groupId = uniqueGroupId('topic-consumers');

  beforeAll(async () => {
    server = await startMicroservice(TopicsModule, new ServerKafka({ ...kafkaOptions('topic-consumers'), consumer: { groupId }, postfixId: '', topicConsumers: true }));
    client = new ClientKafka({ ...kafkaOptions('topic-consumers-client'), producerOnlyMode: true });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('handles records of one topic at once while a slow handler holds another', async () => {
    await firstValueFrom(client.emitBatch(SLOW, { messages: Array.from({ length: SLOW_RECORDS }, (_, id) => ({ id })) }));
    // Once the slow topic's first record runs, one fast record every 50 ms.
    await waitFor(() => consumersSeen.has(SLOW), { timeoutMs: 30_000, what: 'the first slow record' });
    for (let id = 0; id < FAST_RECORDS; id += 1) {
      await firstValueFrom(client.emit(FAST, { id }));
      await new Promise((wake) => setTimeout(wake, 50));
    }
    await waitFor(() => fastLatencies.length === FAST_RECORDS, { timeoutMs: 30_000, what: `${FAST_RECORDS} fast records` });
    const slowWhenFastDone = slowDone.length;
    const sorted = [...fastLatencies].sort((a, b) => a - b);
    const p99 = sorted[Math.ceil(sorted.length * 0.99) - 1];
    process.stdout.write(`fast topic while the slow one runs: p50 ${sorted[sorted.length >> 1]} ms, p99 ${p99} ms, max ${sorted.at(-1)} ms; slow records done meanwhile: ${slowWhenFastDone} of ${SLOW_RECORDS}\n`);
    // In one group the fast records would wait behind the slow ones: about a second each.
    expect(slowWhenFastDone).toBeLessThan(SLOW_RECORDS);
    expect(p99).toBeLessThan(500);
    await waitFor(() => slowDone.length === SLOW_RECORDS, { timeoutMs: 30_000, what: 'every slow record' });
    expect(slowDone).toEqual([0, 1, 2, 3, 4]);
  });

  it("reads each topic in its own group {groupId}-{topic}, with the topic's consumer in the context", async () => {
    const admin = testKafka().admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      const ours = groups.map((group) => group.groupId).filter((name) => name.startsWith(groupId));
      expect(ours.sort()).toEqual([`${groupId}-${FAILING}`, `${groupId}-${FAST}`, `${groupId}-${SLOW}`].sort());
    } finally {
      await admin.disconnect();
    }
    expect(consumersSeen.get(SLOW)).toBeDefined();
    expect(consumersSeen.get(FAST)).toBeDefined();
    expect(consumersSeen.get(SLOW)).not.toBe(consumersSeen.get(FAST));
  });

  it('names the topic group in a dead letter', async () => {
    await firstValueFrom(client.emit(FAILING, { id: 1 }));
    const [dead] = await readMessages(testKafka(), `${FAILING}.dlq`, 1);
    expect(dead.headers?.['kafka_dlt-original-consumer-group']?.toString()).toBe(`${groupId}-${FAILING}`);
  });

  it('refuses a RegExp pattern, whose topics have no name to name a group after', async () => {
    const strategy = new ServerKafka({ ...kafkaOptions('topic-consumers-regexp'), topicConsumers: true });
    strategy.addHandler(new RegExp(`^${p}\\.any-.*`), async () => undefined, true);
    const failure = await new Promise<unknown>((done) => void strategy.listen((error) => done(error)));
    expect(failure).toMatchObject({ code: 'KAFKA_INVALID_OPTION', option: 'topicConsumers' });
    await strategy.close();
  });
});
