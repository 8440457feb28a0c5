import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { lastValueFrom } from 'rxjs';
import { ClientKafka, ServerKafka } from '../../../src/index.js';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { DeliveryLedger } from '../../support/delivery-ledger.js';
import { emitNumbered } from '../../support/delivery-streams.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';
import { createTopics, testBrokers, testKafka } from '../../support/test-kafka.js';

const GRACEFUL = uniqueTopic('handover-graceful');
const KILLED = uniqueTopic('handover-killed');
const KILLED_CONCURRENT = uniqueTopic('handover-killed-concurrent');
const KILLED_BATCHES = uniqueTopic('handover-killed-batches');
const EMITS = 3000;
const PARTITIONS = 3;
const EVENT_SERVER = fileURLToPath(new URL('../../support/fixtures/event-server.mjs', import.meta.url));

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

/** Starts the event server fixture; resolves once it has its partitions. */
function startChildServer(topic: string, groupId: string, handled: (n: number) => void, extras?: Record<string, unknown>): Promise<ChildProcess> {
  const args = [EVENT_SERVER, topic, groupId, testBrokers().join(','), ...(extras ? [JSON.stringify(extras)] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^handled (\d+)$/.exec(line);
      if (match) handled(Number(match[1]));
      else if (line === 'listening') resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`event server exited with ${code} before listening: ${stderr}`)));
  });
}

describe('a server leaving mid-stream while another takes over', () => {
  let client: ClientKafka;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await createTopics(testKafka(), [GRACEFUL, KILLED, KILLED_CONCURRENT, KILLED_BATCHES], PARTITIONS);
    client = new ClientKafka({ ...kafkaOptions('handover-client'), producerOnlyMode: true });
    await client.connect();
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
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
    ['in batches of up to 50', KILLED_BATCHES, 300_000, { batch: { maxRecords: 50, maxWaitMs: 20 } }],
  ])('loses nothing when the server process is killed (-9) mid-stream and a new process takes over: %s', async (what, topic, first, extras) => {
    ledger = new DeliveryLedger(`kill -9 of the server process mid-stream, ${what}`, first, EMITS);
    const groupId = uniqueGroupId('killed');
    const handled = (n: number) => ledger.handled(n);
    const server = await startChildServer(topic, groupId, handled, extras);
    children.push(server);
    await stream(topic, async () => {
      server.kill('SIGKILL');
      children.push(await startChildServer(topic, groupId, handled, extras));
    });
    process.stdout.write(`${ledger.report()}\n`);
    expect(ledger.acknowledged.size).toBe(EMITS);
    expect(ledger.lost()).toEqual([]);
    await waitFor(() => server.exitCode !== null || server.signalCode !== null, { timeoutMs: 5000, what: 'the killed process gone' });
  });
});
