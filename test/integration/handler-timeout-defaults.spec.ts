import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, ServerKafka } from '../../src/index.js';
import { uniqueTopic, waitFor } from '../../src/testing/index.js';
import { kafkaOptions, startMicroservice } from '../support/nest-apps.js';

// The same hang as handler-timeout.spec, with nothing shortened: the default 30 s handlerTimeout
// meets the default 30 s session of the consumer group, which a member not heartbeating loses.
const STUCK = uniqueTopic('stuck-by-default');
const ECHO = uniqueTopic('echo-after-default-timeout');
const EVENTS = uniqueTopic('events-after-default-timeout');
const OTHERS = 6;

const seen = { stuckRequests: 0, events: new Set<number>() };

@Controller()
class DefaultsController {
  @MessagePattern(STUCK)
  stuck() {
    seen.stuckRequests += 1;
    return new Promise<never>(() => undefined);
  }

  @MessagePattern(ECHO)
  echo(@Payload() data: { n: number }) {
    return { echoed: data.n };
  }

  @EventPattern<string>(EVENTS)
  event(@Payload() data: { n: number }) {
    seen.events.add(data.n);
  }
}

@Module({ controllers: [DefaultsController] })
class DefaultsModule {}

describe('a request handler that never settles, with the default settings', () => {
  let server: INestMicroservice;
  let client: ClientKafka;

  beforeAll(async () => {
    server = await startMicroservice(DefaultsModule, new ServerKafka(kafkaOptions('stuck-default-server')));
    // The client waits longer than the server's default handler timeout, so the server's answer is what ends the call.
    client = new ClientKafka({ ...kafkaOptions('stuck-default-client'), requestTimeout: 80_000 });
    for (const topic of [STUCK, ECHO]) client.subscribeToResponseOf(topic);
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('is answered with its timeout once, is not run again, and the server serves every other request and event after it', async () => {
    const started = Date.now();
    await expect(firstValueFrom(client.send(STUCK, { n: 0 }))).rejects.toMatchObject({ code: 'KAFKA_HANDLER_TIMEOUT', message: expect.stringContaining('within 30000 ms') });
    expect(Date.now() - started).toBeGreaterThanOrEqual(29_000);

    const replies = await Promise.all(Array.from({ length: OTHERS }, (_, n) => firstValueFrom(client.send(ECHO, { n }))));
    expect(replies).toEqual(Array.from({ length: OTHERS }, (_, n) => ({ echoed: n })));
    for (let n = 0; n < OTHERS; n += 1) await firstValueFrom(client.emit(EVENTS, { n }));
    await waitFor(() => seen.events.size === OTHERS, { timeoutMs: 20_000, what: `${OTHERS} events after the stuck request` });
    // Past the 30 s session: a member dropped for want of heartbeats would have had the request again by now.
    await new Promise((pause) => setTimeout(pause, Math.max(0, started + 40_000 - Date.now())));
    expect(seen.stuckRequests).toBe(1);
  }, 85_000);
});
