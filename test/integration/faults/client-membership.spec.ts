import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, KafkaTransportError, ServerKafka } from '../../../src/index.js';
import { uniqueGroupId, uniqueTopic } from '../../../src/testing/index.js';
import { DeliveryLedger } from '../../support/delivery-ledger.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';
import { createTopics, testKafka } from '../../support/test-kafka.js';

const ECHO = uniqueTopic('membership-echo');
const CONCURRENCY = 16;

interface Numbered {
  n?: number;
}

let ledger: DeliveryLedger;

@Controller()
class EchoController {
  @MessagePattern(ECHO)
  async echo(@Payload() data: Numbered) {
    ledger.handled(Number(data.n));
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
    ledger = new DeliveryLedger('requests while a second client joins and leaves the reply group', 0, 1_000_000);
    const groupId = uniqueGroupId('membership-clients');
    const newClient = async () => {
      const client = new ClientKafka({ ...kafkaOptions('membership-client'), consumer: { groupId }, requestTimeout: 20_000 });
      client.subscribeToResponseOf(ECHO);
      await client.connect();
      return client;
    };
    const failures = new Map<string, number>();
    const untyped: unknown[] = [];
    let misrouted = 0;
    let next = 0;
    let running = true;
    const caller = (client: ClientKafka, keepGoing: () => boolean) => async () => {
      while (keepGoing()) {
        const n = next++;
        const replied = firstValueFrom(client.send<Numbered>(ECHO, { n })).then((reply) => {
          if (reply.n !== n) misrouted += 1;
        });
        replied.catch((error: unknown) => {
          if (!(error instanceof KafkaTransportError)) untyped.push(error);
          else failures.set(error.name, (failures.get(error.name) ?? 0) + 1);
        });
        await ledger.track(n, replied);
      }
    };

    const first = await newClient();
    try {
      const steady = Promise.all(Array.from({ length: CONCURRENCY }, caller(first, () => running)));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const second = await newClient();
      let secondRunning = true;
      const joined = Promise.all(Array.from({ length: CONCURRENCY / 2 }, caller(second, () => secondRunning)));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // Leaves with its own requests still in flight: those fail at once (ClientClosedError).
      const left = second.close();
      secondRunning = false;
      await left;
      await joined;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      running = false;
      await steady;
    } finally {
      await first.close();
    }

    process.stdout.write(`${ledger.report({ misrouted, 'typed failures': JSON.stringify(Object.fromEntries(failures)) })}\n`);
    expect(ledger.acknowledged.size + ledger.failed.size).toBe(next);
    expect(ledger.acknowledged.size).toBeGreaterThan(next / 2);
    expect(misrouted).toBe(0);
    expect(untyped).toEqual([]);
    expect(ledger.lost()).toEqual([]);
  });
});
