import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, KafkaContext, ServerKafka } from '../../../src/index.js';
import { uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';
import { createTopics, testKafka } from '../../support/test-kafka.js';

const p = uniqueTopic('lanes');
const SLOW = `${p}.slow`;
const FAST = `${p}.fast`;
const TWO_PARTITIONS = `${p}.two`;
const SLOW_RECORDS = 5;
const FAST_RECORDS = 20;
const PER_PARTITION = 3;
const HANDLER_MS = 1000;

const slowDone: number[] = [];
// Produce-to-handle time of each fast record, from the record's own timestamp (set by the producer).
const fastLatencies: number[] = [];
let slowStarted = false;
// Per partition, the records of TWO_PARTITIONS in the order their handlers started, and when each finished.
const started = new Map<number, number[]>();
const finishedAt: number[] = [];

@Controller()
class LanesController {
  @EventPattern<string>(SLOW)
  async slow(@Payload() event: { id: number }) {
    slowStarted = true;
    await new Promise((wake) => setTimeout(wake, HANDLER_MS));
    slowDone.push(event.id);
  }

  @EventPattern<string>(FAST)
  fast(@Payload() _event: { id: number }, @Ctx() context: KafkaContext) {
    fastLatencies.push(Date.now() - Number((context.getMessage() as unknown as { timestamp: string }).timestamp));
  }

  @EventPattern<string>(TWO_PARTITIONS)
  async twoPartitions(@Payload() event: { n: number }, @Ctx() context: KafkaContext) {
    const partition = context.getPartition();
    started.set(partition, [...(started.get(partition) ?? []), event.n]);
    await new Promise((wake) => setTimeout(wake, HANDLER_MS));
    finishedAt.push(Date.now());
  }
}

@Module({ controllers: [LanesController] })
class LanesModule {}

const percentile = (values: number[], share: number) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * share) - 1];

// No option set: one group, one consumer, and yet each partition of each topic is a lane of its own.
describe('partitions and topics as independent lanes, by default', () => {
  let server: INestMicroservice;
  let client: ClientKafka;

  beforeAll(async () => {
    await createTopics(testKafka(), [TWO_PARTITIONS], 2);
    server = await startMicroservice(LanesModule, new ServerKafka(kafkaOptions('lanes')));
    client = new ClientKafka({ ...kafkaOptions('lanes-client'), producerOnlyMode: true });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('handles records of one topic at once while a slow handler holds another', async () => {
    await firstValueFrom(client.emitBatch(SLOW, { messages: Array.from({ length: SLOW_RECORDS }, (_, id) => ({ id })) }));
    await waitFor(() => slowStarted, { timeoutMs: 30_000, what: 'the first slow record' });
    for (let id = 0; id < FAST_RECORDS; id += 1) {
      await firstValueFrom(client.emit(FAST, { id }));
      await new Promise((wake) => setTimeout(wake, 50));
    }
    await waitFor(() => fastLatencies.length === FAST_RECORDS, { timeoutMs: 30_000, what: `${FAST_RECORDS} fast records` });
    const slowWhenFastDone = slowDone.length;
    const p99 = percentile(fastLatencies, 0.99);
    process.stdout.write(`fast topic while the slow one runs (one group): p50 ${percentile(fastLatencies, 0.5)} ms, p99 ${p99} ms; slow records done meanwhile: ${slowWhenFastDone} of ${SLOW_RECORDS}\n`);
    // Behind the slow records, as on the built-in transport, the fast ones would wait about 4 s.
    expect(slowWhenFastDone).toBeLessThan(SLOW_RECORDS);
    expect(p99).toBeLessThan(100);
    await waitFor(() => slowDone.length === SLOW_RECORDS, { timeoutMs: 30_000, what: 'every slow record' });
    expect(slowDone).toEqual([0, 1, 2, 3, 4]);
  });

  it('runs two partitions side by side, each in its own order: a 1 s handler handles about 2 records a second', async () => {
    const messages = [0, 1].flatMap((partition) => Array.from({ length: PER_PARTITION }, (_, index) => ({ partition, value: { n: partition * 100 + index } })));
    const since = Date.now();
    await firstValueFrom(client.emitBatch(TWO_PARTITIONS, { messages }));
    await waitFor(() => finishedAt.length === 2 * PER_PARTITION, { timeoutMs: 30_000, what: `${2 * PER_PARTITION} records` });
    const seconds = (Math.max(...finishedAt) - since) / 1000;
    const rate = (2 * PER_PARTITION) / seconds;
    process.stdout.write(`two partitions, ${HANDLER_MS} ms handler: ${2 * PER_PARTITION} records in ${seconds.toFixed(2)} s, ${rate.toFixed(2)} records/s\n`);
    // One at a time would take 6 s (1 record/s).
    expect(rate).toBeGreaterThan(1.5);
    expect(started.get(0)).toEqual([0, 1, 2]);
    expect(started.get(1)).toEqual([100, 101, 102]);
  });
});
