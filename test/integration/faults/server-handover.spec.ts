import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { ClientKafka, ServerKafka } from '../../../src/index.js';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { ChildEventServer } from '../../support/child-event-server.js';
import { DeliveryLedger } from '../../support/delivery-ledger.js';
import { emitNumbered } from '../../support/delivery-streams.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';
import { createTopics, testKafka } from '../../support/test-kafka.js';

const GRACEFUL = uniqueTopic('handover-graceful');
const KILLED = uniqueTopic('handover-killed');
const KILLED_CONCURRENT = uniqueTopic('handover-killed-concurrent');
const KILLED_MID_BATCH = uniqueTopic('handover-killed-mid-batch');
const EMITS = 3000;
const PARTITIONS = 3;

interface Numbered {
  n?: number;
}

let ledger: DeliveryLedger;

@Controller()
class SlowController {
  // A little work per event, so that a close finds handlers running.
  @EventPattern(GRACEFUL)
  async onEvent(@Payload() data: Numbered) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    ledger.handled(Number(data.n));
  }
}

@Module({ controllers: [SlowController] })
class SlowModule {}

describe('a server leaving mid-stream while another takes over', () => {
  let client: ClientKafka;
  const children: ChildEventServer[] = [];

  beforeAll(async () => {
    await createTopics(testKafka(), [GRACEFUL, KILLED, KILLED_CONCURRENT, KILLED_MID_BATCH], PARTITIONS);
    client = new ClientKafka({ ...kafkaOptions('handover-client'), producerOnlyMode: true });
    await client.connect();
  });

  afterAll(async () => {
    for (const child of children) child.kill();
    await client?.close();
  });

  async function stream(topic: string, midway: () => Promise<void>): Promise<void> {
    // Keys for the concurrent case: 64 of them, each on its own partition.
    await emitNumbered(ledger, EMITS, (n) => lastValueFrom(client.emit(topic, { key: `k${n % 64}`, partition: n % PARTITIONS, value: { n } })), midway);
    await ledger.settle(60_000);
  }

  it('loses nothing when the server closes gracefully, and repeats only what was running as the other one joined', async () => {
    ledger = new DeliveryLedger('graceful close of the server mid-stream', 0, EMITS);
    const groupId = uniqueGroupId('graceful');
    const first = await startMicroservice(SlowModule, new ServerKafka({ ...kafkaOptions('first'), consumer: { groupId } }));
    let second: INestMicroservice | undefined;
    try {
      await stream(GRACEFUL, async () => {
        second = await startMicroservice(SlowModule, new ServerKafka({ ...kafkaOptions('second'), consumer: { groupId } }));
        await first.close();
      });
      process.stdout.write(`${ledger.report()}\n`);
      expect(ledger.acknowledged.size).toBe(EMITS);
      expect(ledger.lost()).toEqual([]);
      // The close drains: it repeats nothing. The joining server's rebalance is a handover too, where
      // what a handler was running, or had handled but not yet committed, as its partition moved comes again.
      expect(ledger.duplicates()).toBeLessThanOrEqual(2 * PARTITIONS);
    } finally {
      await second?.close();
    }
  });

  it.each([
    ['one record of a partition at a time', KILLED, 100_000, undefined],
    ['16 records of a partition at once, in order per key', KILLED_CONCURRENT, 200_000, { concurrency: 16 }],
  ])('loses nothing when the server process is killed (-9) mid-stream and a new process takes over: %s', async (what, topic, first, extras) => {
    ledger = new DeliveryLedger(`kill -9 of the server process mid-stream, ${what}`, first, EMITS);
    const groupId = uniqueGroupId('killed');
    const handled = (n: number) => ledger.handled(n);
    const server = await ChildEventServer.start(topic, groupId, handled, { extras });
    children.push(server);
    await stream(topic, async () => {
      server.kill();
      children.push(await ChildEventServer.start(topic, groupId, handled, { extras }));
    });
    process.stdout.write(`${ledger.report()}\n`);
    expect(ledger.acknowledged.size).toBe(EMITS);
    expect(ledger.lost()).toEqual([]);
    await waitFor(() => server.gone, { timeoutMs: 5000, what: 'the killed process gone' });
  });

  it('loses nothing when the server process is killed (-9) while a batch handler runs, and the new process handles that batch', async () => {
    ledger = new DeliveryLedger('kill -9 of the server process in the middle of a batch', 400_000, EMITS);
    const groupId = uniqueGroupId('killed-mid-batch');
    const handled = (n: number) => ledger.handled(n);
    const extras = { batch: { maxRecords: 50, maxWaitMs: 20 } };
    // Each batch takes 200 ms, so the kill lands inside one: started, none of its records reported.
    const running = new Map<number, number>();
    const options = { extras, handlerMs: 200 };
    const byKilled = (n: number) => {
      running.delete(n);
      handled(n);
    };
    const server = await ChildEventServer.start(KILLED_MID_BATCH, groupId, byKilled, { ...options, onBatch: (first, count) => running.set(first, count) });
    children.push(server);
    await stream(KILLED_MID_BATCH, async () => {
      await waitFor(() => running.size > 0, { timeoutMs: 20_000, what: 'a batch handler running' });
      server.kill();
      children.push(await ChildEventServer.start(KILLED_MID_BATCH, groupId, handled, options));
    });
    // Once every line the killed process wrote has been read, what it started and never reported was cut by the kill.
    await server.closed;
    const cut = [...running];
    process.stdout.write(`${ledger.report({ 'batches cut by the kill': cut.map(([first, count]) => `${count} records from ${first}`).join('; ') })}\n`);
    // The kill landed inside a batch, whose records (acknowledged, so not lost) the new process handled.
    expect(cut.length).toBeGreaterThan(0);
    expect(ledger.acknowledged.size).toBe(EMITS);
    expect(ledger.lost()).toEqual([]);
  });
});
