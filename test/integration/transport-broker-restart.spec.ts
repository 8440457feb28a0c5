import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { ClientKafka, ServerKafka } from '../../src/index.js';
import { startKafka, uniqueGroupId, uniqueTopic, type KafkaTestCluster } from '../../src/testing/index.js';
import { DeliveryLedger } from '../support/delivery-ledger.js';
import { emitNumbered, NumberedCallers } from '../support/delivery-streams.js';
import { createTopics, testKafka, testDriver } from '../support/test-kafka.js';

const ECHO = uniqueTopic('restart-echo');
const EVENTS = uniqueTopic('restart-events');
const EMITS = 2000;
const REQUESTS = 600;
const CONCURRENCY = 8;

interface Numbered {
  n?: number;
}

const ledgers: DeliveryLedger[] = [];
const handled = (n: number) => ledgers.find((ledger) => ledger.owns(n))?.handled(n);

@Controller()
class EchoController {
  @MessagePattern(ECHO)
  echo(@Payload() data: unknown) {
    const n = (data as Numbered | null)?.n;
    if (typeof n === 'number') handled(n);
    return { echoed: data };
  }

  @EventPattern(EVENTS)
  onEvent(@Payload() data: Numbered) {
    handled(Number(data.n));
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('server and client across a broker restart', () => {
  let cluster: KafkaTestCluster;
  let server: INestMicroservice;
  let client: ClientKafka;

  beforeAll(async () => {
    cluster = await startKafka({ env: {} });
    await createTopics(testKafka(cluster.brokers), [ECHO, `${ECHO}.reply`, EVENTS]);
    const options = { client: { brokers: cluster.brokers, retry: { initialRetryTime: 200, retries: 20 } }, consumer: { groupId: uniqueGroupId('restart') }, subscribe: { fromBeginning: true }, ...testDriver() };
    server = await NestFactory.createMicroservice<MicroserviceOptions>(EchoModule, { strategy: new ServerKafka(options), logger: false });
    await server.listen();
    client = new ClientKafka({ ...options, requestTimeout: 60_000 });
    client.subscribeToResponseOf(ECHO);
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
    await cluster?.stop();
  });

  it('answers before and after the broker restarts, without reconnecting by hand', async () => {
    await expect(firstValueFrom(client.send(ECHO, { n: -1 }))).resolves.toEqual({ echoed: { n: -1 } });
    await cluster.restart();
    await expect(firstValueFrom(client.send(ECHO, { n: -2 }))).resolves.toEqual({ echoed: { n: -2 } });
  });

  it('handles every acknowledged event of a stream the broker restarts in the middle of', async () => {
    const ledger = new DeliveryLedger('emit stream across a broker restart', 0, EMITS);
    ledgers.push(ledger);
    await emitNumbered(ledger, EMITS, (n) => lastValueFrom(client.emit(EVENTS, { n })), () => cluster.restart(), EMITS / 4);
    await ledger.settle(60_000);
    process.stdout.write(`${ledger.report()}\n`);
    expect(ledger.acknowledged.size + ledger.failed.size).toBe(EMITS);
    expect(ledger.acknowledged.size).toBeGreaterThan(EMITS / 2);
    expect(ledger.lost()).toEqual([]);
  });

  it(`ends every request of ${CONCURRENCY} concurrent callers across a restart with its own reply or a typed error`, async () => {
    const ledger = new DeliveryLedger(`request-reply at concurrency ${CONCURRENCY} across a broker restart`, 100_000, REQUESTS);
    ledgers.push(ledger);
    let restart: Promise<void> | undefined;
    const callers = new NumberedCallers(ledger, async (n) => (await firstValueFrom(client.send<{ echoed: Numbered }>(ECHO, { n }, { timeout: 30_000 }))).echoed.n);
    await callers.run(CONCURRENCY, (i) => {
      if (i === REQUESTS / 4) restart = cluster.restart();
      return i < REQUESTS;
    });
    await restart;
    process.stdout.write(`${ledger.report({ misrouted: callers.misrouted })}\n`);
    expect(ledger.acknowledged.size + ledger.failed.size).toBe(REQUESTS);
    expect(ledger.acknowledged.size).toBeGreaterThan(REQUESTS / 2);
    expect(callers.misrouted).toBe(0);
    expect(callers.untyped).toEqual([]);
    expect(ledger.lost()).toEqual([]);
  });
});
