import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { ClientKafka, ServerKafka } from '../../../src/index.js';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { DeliveryLedger } from '../../support/delivery-ledger.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';
import { createTopics, testKafka } from '../../support/test-kafka.js';

const TOPIC = uniqueTopic('drain');
const RECORDS = 20_000;
const PARTITIONS = 4;
const HANDLER_MS = 5;
const CONCURRENCY = 16;
const KEYS = 256;
const CLOSE_AT = 5_000;
// The server option's default, which this test leaves as it is.
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

const ledger = new DeliveryLedger(`graceful close mid-stream, ${HANDLER_MS} ms handlers at concurrency ${CONCURRENCY}`, 0, RECORDS);
let running = 0;
let handled = 0;

@Controller()
class DrainController {
  @EventPattern<string>(TOPIC, { concurrency: CONCURRENCY })
  async onEvent(@Payload() event: { n: number }) {
    running += 1;
    await new Promise((wake) => setTimeout(wake, HANDLER_MS));
    running -= 1;
    handled += 1;
    ledger.handled(event.n);
  }
}

@Module({ controllers: [DrainController] })
class DrainModule {}

/** Waits until the group is Stable with `members` members. */
async function stableGroup(groupId: string, members: number): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await waitFor(
      async () => {
        const [group] = (await admin.describeGroups([groupId])).groups;
        return group.state === 'Stable' && group.members.length === members;
      },
      { timeoutMs: 60_000, what: `group ${groupId} stable with ${members} members` },
    );
  } finally {
    await admin.disconnect();
  }
}

describe('close() of a server mid-stream, another instance taking over', () => {
  it('lets the running handlers finish and commits them: nothing lost, nothing handled twice, within shutdownTimeout', async () => {
    await createTopics(testKafka(), [TOPIC], PARTITIONS);
    const groupId = uniqueGroupId('drain');
    const options = (name: string) => ({ ...kafkaOptions(name), consumer: { groupId } });
    const first = await startMicroservice(DrainModule, new ServerKafka(options('drain-first')));
    let second: INestMicroservice | undefined;
    const client = new ClientKafka({ ...kafkaOptions('drain-client'), producerOnlyMode: true });
    try {
      second = await startMicroservice(DrainModule, new ServerKafka(options('drain-second')));
      // Both members hold partitions before the stream starts: the close is the only handover.
      await stableGroup(`${groupId}-server`, 2);
      await client.connect();
      const sends: Promise<void>[] = [];
      for (let from = 0; from < RECORDS; from += 1000) {
        const numbers = Array.from({ length: 1000 }, (_, index) => from + index);
        const sent = lastValueFrom(client.emitBatch(TOPIC, { messages: numbers.map((n) => ({ key: `k${n % KEYS}`, value: { n } })) }));
        sends.push(...numbers.map((n) => ledger.track(n, sent)));
      }
      await waitFor(() => handled >= CLOSE_AT, { timeoutMs: 60_000, what: `${CLOSE_AT} records handled` });
      const runningAtClose = running;
      const since = Date.now();
      await first.close();
      const closeMs = Date.now() - since;
      await Promise.all(sends);
      await ledger.settle(60_000);
      await new Promise((wake) => setTimeout(wake, 1000));
      process.stdout.write(`${ledger.report({ 'running at close': runningAtClose, 'close ms': closeMs })}\n`);
      expect(ledger.acknowledged.size).toBe(RECORDS);
      expect(ledger.lost()).toEqual([]);
      expect(ledger.duplicates()).toBe(0);
      expect(runningAtClose).toBeGreaterThan(0);
      expect(closeMs).toBeLessThan(DEFAULT_SHUTDOWN_TIMEOUT_MS);
    } finally {
      await client.close();
      await second?.close();
      await first.close().catch(() => undefined);
    }
  });
});
