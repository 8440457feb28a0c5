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
function startChildServer(topic: string, groupId: string, handled: (n: number) => void): Promise<ChildProcess> {
  const child = spawn(process.execPath, [EVENT_SERVER, topic, groupId, testBrokers().join(',')], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    await createTopics(testKafka(), [GRACEFUL, KILLED], PARTITIONS);
    client = new ClientKafka({ ...kafkaOptions('handover-client'), producerOnlyMode: true });
    await client.connect();
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await client?.close();
  });

  async function stream(topic: string, midway: () => Promise<void>): Promise<void> {
    await emitNumbered(ledger, EMITS, (n) => lastValueFrom(client.emit(topic, { partition: n % PARTITIONS, value: { n } })), midway);
    await ledger.settle(60_000);
  }

  it('loses nothing when the server closes gracefully, and repeats only what its handlers were running', async () => {
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
      // One handler runs at a time per server, and the joining server's rebalance is also a handover:
      // what a handler was running, or had handled but not yet committed, at each of the two comes again.
      expect(ledger.duplicates()).toBeLessThanOrEqual(2 * PARTITIONS);
    } finally {
      await second?.close();
    }
  });

  it('loses nothing when the server process is killed (-9) mid-stream and a new process takes over', async () => {
    ledger = new DeliveryLedger('kill -9 of the server process mid-stream', 100_000, EMITS);
    const groupId = uniqueGroupId('killed');
    const handled = (n: number) => ledger.handled(n);
    const first = await startChildServer(KILLED, groupId, handled);
    children.push(first);
    await stream(KILLED, async () => {
      first.kill('SIGKILL');
      children.push(await startChildServer(KILLED, groupId, handled));
    });
    process.stdout.write(`${ledger.report()}\n`);
    expect(ledger.acknowledged.size).toBe(EMITS);
    expect(ledger.lost()).toEqual([]);
    await waitFor(() => first.exitCode !== null || first.signalCode !== null, { timeoutMs: 5000, what: 'the killed process gone' });
  });
});
