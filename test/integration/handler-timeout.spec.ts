import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, ServerKafka } from '../../src/index.js';
import { uniqueTopic, waitFor } from '../../src/testing/index.js';
import { kafkaOptions, startMicroservice } from '../support/nest-apps.js';
import { readMessages, testKafka } from '../support/test-kafka.js';

const STUCK = uniqueTopic('stuck-request');
const ECHO = uniqueTopic('echo-after-stuck');
const STUCK_EVENT = uniqueTopic('stuck-event');
const EVENT_AFTER = uniqueTopic('event-after-stuck');

interface Numbered {
  n?: number;
}

const seen: { stuckRequests: number; stuckEvents: number; events: number[] } = { stuckRequests: 0, stuckEvents: 0, events: [] };
const never = () => new Promise<never>(() => undefined);

@Controller()
class StuckController {
  @MessagePattern(STUCK, { handlerTimeout: 1000 })
  async stuck() {
    seen.stuckRequests += 1;
    return never();
  }

  @MessagePattern(ECHO)
  echo(@Payload() data: Numbered) {
    return { echoed: data.n };
  }

  @EventPattern<string>(STUCK_EVENT, { handlerTimeout: 500, eventRetry: { attempts: 2, backoffMs: 0 } })
  async stuckEvent() {
    seen.stuckEvents += 1;
    return never();
  }

  @EventPattern(EVENT_AFTER)
  after(@Payload() data: Numbered) {
    seen.events.push(Number(data.n));
  }
}

@Module({ controllers: [StuckController] })
class StuckModule {}

describe('a handler that never settles', () => {
  let server: INestMicroservice;
  let client: ClientKafka;

  beforeAll(async () => {
    server = await startMicroservice(StuckModule, new ServerKafka({ ...kafkaOptions('stuck-server') }));
    client = new ClientKafka({ ...kafkaOptions('stuck-client'), requestTimeout: 20_000 });
    client.subscribeToResponseOf(STUCK);
    client.subscribeToResponseOf(ECHO);
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('answers its request with a HandlerTimeoutError after handlerTimeout, and the server goes on with other topics', async () => {
    const started = Date.now();
    const stuck = firstValueFrom(client.send(STUCK, { n: 1 }));
    await expect(stuck).rejects.toMatchObject({ code: 'KAFKA_HANDLER_TIMEOUT', message: expect.stringContaining("the handler of '" + STUCK + "' did not finish within 1000 ms") });
    // Well inside the client's own 20 s request timeout: the server answered, the client did not give up.
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(firstValueFrom(client.send(ECHO, { n: 2 }))).resolves.toEqual({ echoed: 2 });
    await firstValueFrom(client.emit(EVENT_AFTER, { n: 3 }));
    await waitFor(() => seen.events.includes(3), { timeoutMs: 20_000, what: 'the event after the stuck request' });
    expect(seen.stuckRequests).toBe(1);
  });

  it('tries a stuck event again under its retry policy and dead-letters it with the timeout as reason, while other topics go on', async () => {
    await firstValueFrom(client.emit(STUCK_EVENT, { n: 4 }));
    // Another topic's event is its own lane: handled while the stuck one is tried.
    await firstValueFrom(client.emit(EVENT_AFTER, { n: 5 }));
    await waitFor(() => seen.events.includes(5), { timeoutMs: 20_000, what: 'the event of another topic' });
    const [dead] = await readMessages(testKafka(), `${STUCK_EVENT}.dlq`, 1);
    expect(seen.stuckEvents).toBe(2);
    expect(dead.headers?.['kafka_dlt-exception-message']?.toString()).toContain('did not finish within 500 ms');
    expect(dead.headers?.['kafka_dlt-attempts']?.toString()).toBe('2');
  });
});
