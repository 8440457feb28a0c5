import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, ServerKafka } from '../../../src/index.js';
import { uniqueGroupId, uniqueTopic } from '../../../src/testing/index.js';
import { DeliveryLedger } from '../../support/delivery-ledger.js';
import { NumberedCallers } from '../../support/delivery-streams.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';
import { createTopics, testKafka } from '../../support/test-kafka.js';

const ECHO = uniqueTopic('membership-echo');
const CONCURRENCY = 16;

interface Numbered {
  n?: number;
}

// The staying client's numbers and the leaving client's, in ranges of their own.
const staying = new DeliveryLedger('requests of the client that stays, while another joins and leaves its reply group', 0, 1_000_000);
const leaving = new DeliveryLedger('requests of the client that joins, then leaves with requests in flight', 1_000_000, 1_000_000);

@Controller()
class EchoController {
  @MessagePattern(ECHO)
  async echo(@Payload() data: Numbered) {
    const n = Number(data.n);
    (staying.owns(n) ? staying : leaving).handled(n);
    // Long enough that callers have requests in flight whenever the group changes.
    await new Promise((resolve) => setTimeout(resolve, 2));
    return { n: data.n };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('a client instance joining and leaving while requests are in flight', () => {
  let server: INestMicroservice;

  beforeAll(async () => {
    await createTopics(testKafka(), [ECHO], 3);
    await createTopics(testKafka(), [`${ECHO}.reply`], 3);
    server = await startMicroservice(EchoModule, new ServerKafka(kafkaOptions('membership-server')));
  });

  afterAll(async () => {
    await server?.close();
  });

  it('ends every request with its own reply or a typed error: none misrouted, none hanging', async () => {
    const groupId = uniqueGroupId('membership-clients');
    const newClient = async () => {
      const client = new ClientKafka({ ...kafkaOptions('membership-client'), consumer: { groupId }, requestTimeout: 20_000 });
      client.subscribeToResponseOf(ECHO);
      await client.connect();
      return client;
    };
    const first = await newClient();
    try {
      let running = true;
      const steady = new NumberedCallers(staying, async (n) => (await firstValueFrom(first.send<Numbered>(ECHO, { n }))).n);
      const steadyRun = steady.run(CONCURRENCY, () => running);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const second = await newClient();
      let secondRunning = true;
      const joiner = new NumberedCallers(leaving, async (n) => (await firstValueFrom(second.send<Numbered>(ECHO, { n }))).n);
      const joined = joiner.run(CONCURRENCY / 2, () => secondRunning);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // Leaves with its own requests still in flight: those fail at once (ClientClosedError).
      const left = second.close();
      secondRunning = false;
      await left;
      await joined;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      running = false;
      await steadyRun;
      for (const [ledger, callers] of [[staying, steady], [leaving, joiner]] as const) {
        process.stdout.write(`${ledger.report({ misrouted: callers.misrouted, 'typed failures': JSON.stringify(Object.fromEntries(callers.failures)) })}\n`);
        expect(ledger.acknowledged.size + ledger.failed.size).toBe(callers.sent);
        expect(ledger.acknowledged.size).toBeGreaterThan(callers.sent / 2);
        expect(callers.misrouted).toBe(0);
        expect(callers.untyped).toEqual([]);
        expect(ledger.lost()).toEqual([]);
      }
      // The staying client's requests are never failed by the other's coming and going.
      expect(staying.failed.size).toBe(0);
    } finally {
      await first.close();
    }
  });
});
