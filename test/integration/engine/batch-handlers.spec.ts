import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, KafkaBatchContext, KafkaBatchError, ServerKafka } from '../../../src/index.js';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';
import { readMessages, testKafka } from '../../support/test-kafka.js';

const p = uniqueTopic('batches');
const BULK = `${p}.bulk`;
const FAILING = `${p}.failing`;
const RECORDS = 10;
const FAILS = [3, 7];

interface Numbered {
  n: number;
}

// What each handler call got: the payloads' numbers, and the batch context's view of them.
const bulkCalls: { numbers: number[]; offsets: string[]; topic: string; partition: number }[] = [];
const failingCalls: number[][] = [];

@Controller()
class BatchController {
  @EventPattern<string>(BULK, { batch: { maxRecords: RECORDS, maxWaitMs: 200 } })
  bulk(@Payload() events: Numbered[], @Ctx() context: KafkaBatchContext) {
    bulkCalls.push({ numbers: events.map(({ n }) => n), offsets: context.getContexts().map((one) => String(one.getMessage().offset)), topic: context.getTopic(), partition: context.getPartition() });
  }

  // One try in the batch, one alone, then the dead letter.
  @EventPattern<string>(FAILING, { batch: { maxRecords: RECORDS, maxWaitMs: 200 }, eventRetry: { attempts: 2, backoffMs: 10 } })
  failing(@Payload() events: Numbered[], @Ctx() context: KafkaBatchContext) {
    failingCalls.push(events.map(({ n }) => n));
    const failed = context.getContexts().filter((_, index) => FAILS.includes(events[index].n));
    if (failed.length > 0) throw new KafkaBatchError(failed, `records ${FAILS.join(' and ')} are bad`);
  }
}

@Module({ controllers: [BatchController] })
class BatchModule {}

describe('batch handlers (@EventPattern extras batch)', () => {
  let server: INestMicroservice;
  let client: ClientKafka;
  const groupId = uniqueGroupId('batches');

  beforeAll(async () => {
    server = await startMicroservice(BatchModule, new ServerKafka({ ...kafkaOptions('batches'), consumer: { groupId } }));
    client = new ClientKafka({ ...kafkaOptions('batches-client'), producerOnlyMode: true });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('hands the handler the payloads of a partition in offset order, with a context per record and one for the batch', async () => {
    await firstValueFrom(client.emitBatch(BULK, { messages: Array.from({ length: RECORDS }, (_, n) => ({ n })) }));
    await waitFor(() => bulkCalls.flatMap(({ numbers }) => numbers).length >= RECORDS, { timeoutMs: 30_000, what: `${RECORDS} records in batches` });
    process.stdout.write(`batch sizes: ${bulkCalls.map(({ numbers }) => numbers.length).join(', ')}\n`);
    expect(bulkCalls.flatMap(({ numbers }) => numbers)).toEqual(Array.from({ length: RECORDS }, (_, n) => n));
    // Sent together, read together: fewer calls than records.
    expect(bulkCalls.length).toBeLessThan(RECORDS);
    for (const call of bulkCalls) {
      expect(call.numbers.length).toBeLessThanOrEqual(RECORDS);
      expect(call.offsets.map(Number)).toEqual([...call.offsets.map(Number)].sort((a, b) => a - b));
      expect(call).toMatchObject({ topic: BULK, partition: 0 });
    }
  });

  it('commits the records a batch handler did not name as failed, and tries each named one alone, then dead-letters it', async () => {
    await firstValueFrom(client.emitBatch(FAILING, { messages: Array.from({ length: RECORDS }, (_, n) => ({ n })) }));
    const dead = await readMessages(testKafka(), `${FAILING}.dlq`, FAILS.length);
    const deadNumbers = dead.map((message) => (JSON.parse(message.value!.toString()) as Numbered).n).sort((a, b) => a - b);
    expect(deadNumbers).toEqual(FAILS);
    for (const message of dead) {
      expect(message.headers?.['kafka_dlt-attempts']?.toString()).toBe('2');
      expect(message.headers?.['kafka_dlt-exception-message']?.toString()).toContain('are bad');
    }
    // Each failed record was tried once more on its own, as a batch of one.
    const alone = failingCalls.filter((call) => call.length === 1).map(([n]) => n).sort((a, b) => a - b);
    expect(alone).toEqual(FAILS);
    const inBatches = failingCalls.filter((call) => call.length > 1).flat();
    expect(inBatches.sort((a, b) => a - b)).toEqual(Array.from({ length: RECORDS }, (_, n) => n));
    // The whole partition is committed: the group reads on after the tenth record.
    const admin = testKafka().admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const [topic] = await admin.fetchOffsets({ groupId: `${groupId}-server`, topics: [FAILING] });
          return topic.partitions[0].offset === String(RECORDS);
        },
        { timeoutMs: 10_000, what: `the group's commit of ${FAILING} at ${RECORDS}` },
      );
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses batch on a request handler, and batch with concurrency, naming the option', async () => {
    const request = new ServerKafka(kafkaOptions('batches-refused'));
    request.addHandler(`${p}.requests`, async () => undefined, false, { batch: true });
    await expect(new Promise((done) => void request.listen(done))).resolves.toMatchObject({ code: 'KAFKA_INVALID_OPTION', option: `@MessagePattern('${p}.requests') extras.batch` });
    await request.close();
    const concurrent = new ServerKafka(kafkaOptions('batches-refused'));
    concurrent.addHandler(`${p}.concurrent`, async () => undefined, true, { batch: true, concurrency: 4 });
    await expect(new Promise((done) => void concurrent.listen(done))).resolves.toMatchObject({ code: 'KAFKA_INVALID_OPTION', option: `@EventPattern('${p}.concurrent') extras.concurrency` });
    await concurrent.close();
  });
});
