import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, KafkaContext, ServerKafka } from '../../../src/index.js';
import { uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';
import { createTopics, testKafka } from '../../support/test-kafka.js';

const p = uniqueTopic('key-ordering');
const SLOW = `${p}.slow`;
const MANY = `${p}.many`;
const SLOW_MS = 1000;
const SLOW_KEYS = 8;
const SLOW_PER_KEY = 2;
const MANY_RECORDS = 10_000;
const MANY_KEYS = 500;
const MANY_CONCURRENCY = 64;

interface Run {
  key: string;
  seq: number;
}

/** What a handler saw: per key the sequence numbers in the order they started, overlaps, and the most in flight per partition. */
class Observed {
  readonly started = new Map<string, number[]>();
  readonly finishedAt: number[] = [];
  readonly running = new Set<string>();
  readonly inFlight = new Map<number, number>();
  overlaps = 0;
  mostInFlight = 0;

  async run({ key, seq }: Run, partition: number, ms: number): Promise<void> {
    if (this.running.has(key)) this.overlaps += 1;
    this.running.add(key);
    this.started.set(key, [...(this.started.get(key) ?? []), seq]);
    const now = (this.inFlight.get(partition) ?? 0) + 1;
    this.inFlight.set(partition, now);
    this.mostInFlight = Math.max(this.mostInFlight, now);
    await new Promise((wake) => setTimeout(wake, ms));
    this.inFlight.set(partition, this.inFlight.get(partition)! - 1);
    this.running.delete(key);
    this.finishedAt.push(Date.now());
  }

  /** Keys whose records did not start in sequence, once each: out of order, missing or twice. */
  outOfOrder(perKey: number): string[] {
    return [...this.started].filter(([, seqs]) => seqs.length !== perKey || seqs.some((seq, index) => seq !== index)).map(([key]) => key);
  }

  get handled(): number {
    return this.finishedAt.length;
  }
}

const slow = new Observed();
const many = new Observed();

@Controller()
class KeysController {
  @EventPattern<string>(SLOW, { concurrency: SLOW_KEYS, ordering: 'key' })
  async slow(@Payload() event: Run, @Ctx() context: KafkaContext) {
    await slow.run(event, context.getPartition(), SLOW_MS);
  }

  @EventPattern<string>(MANY, { concurrency: MANY_CONCURRENCY })
  async many(@Payload() event: Run, @Ctx() context: KafkaContext) {
    await many.run(event, context.getPartition(), 1 + Math.random() * 19);
  }
}

@Module({ controllers: [KeysController] })
class KeysModule {}

describe('concurrency within a partition, in order per key', () => {
  let server: INestMicroservice;
  let client: ClientKafka;

  beforeAll(async () => {
    await createTopics(testKafka(), [SLOW], 2);
    await createTopics(testKafka(), [MANY], 4);
    server = await startMicroservice(KeysModule, new ServerKafka(kafkaOptions('key-ordering')));
    client = new ClientKafka({ ...kafkaOptions('key-ordering-client'), producerOnlyMode: true });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it("runs 8 keys of each of 2 partitions at once with a 1 s handler: about 16 records a second, each key's in order", async () => {
    const messages = [0, 1].flatMap((partition) =>
      Array.from({ length: SLOW_KEYS * SLOW_PER_KEY }, (_, index) => {
        const key = `p${partition}-k${index % SLOW_KEYS}`;
        return { partition, key, value: { key, seq: Math.floor(index / SLOW_KEYS) } };
      }),
    );
    const since = Date.now();
    await firstValueFrom(client.emitBatch(SLOW, { messages }));
    await waitFor(() => slow.handled === messages.length, { timeoutMs: 30_000, what: `${messages.length} records` });
    const seconds = (Math.max(...slow.finishedAt) - since) / 1000;
    const rate = messages.length / seconds;
    process.stdout.write(`concurrency ${SLOW_KEYS}, ordering 'key', 2 partitions, ${SLOW_MS} ms handler: ${messages.length} records in ${seconds.toFixed(2)} s, ${rate.toFixed(1)} records/s; most in flight in a partition ${slow.mostInFlight}\n`);
    // One record per partition at a time would make 2 a second.
    expect(rate).toBeGreaterThan(12);
    expect(slow.mostInFlight).toBeLessThanOrEqual(SLOW_KEYS);
    expect(slow.overlaps).toBe(0);
    expect(slow.outOfOrder(SLOW_PER_KEY)).toEqual([]);
  });

  it(`keeps every key in order over ${MANY_RECORDS} records and ${MANY_KEYS} keys at concurrency ${MANY_CONCURRENCY}, each handled once`, async () => {
    const perKey = MANY_RECORDS / MANY_KEYS;
    const messages = Array.from({ length: MANY_RECORDS }, (_, index) => {
      const key = `k${index % MANY_KEYS}`;
      return { key, value: { key, seq: Math.floor(index / MANY_KEYS) } };
    });
    const since = Date.now();
    await firstValueFrom(client.emitBatch(MANY, { messages }));
    await waitFor(() => many.handled >= MANY_RECORDS, { timeoutMs: 60_000, what: `${MANY_RECORDS} records` });
    // Time for a record handled twice to show.
    await new Promise((wake) => setTimeout(wake, 1000));
    const seconds = (Math.max(...many.finishedAt) - since) / 1000;
    process.stdout.write(`concurrency ${MANY_CONCURRENCY}, ${MANY_KEYS} keys, 4 partitions, 1-20 ms handler: ${many.handled} handled in ${seconds.toFixed(2)} s; most in flight in a partition ${many.mostInFlight}, overlaps of a key ${many.overlaps}\n`);
    expect(many.handled).toBe(MANY_RECORDS);
    expect(many.overlaps).toBe(0);
    expect(many.outOfOrder(perKey)).toEqual([]);
    expect(many.mostInFlight).toBeLessThanOrEqual(MANY_CONCURRENCY);
    expect(many.mostInFlight).toBeGreaterThan(1);
  });
});
