import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload, Transport } from '@nestjs/microservices';
import { firstValueFrom, interval, lastValueFrom, map, take, tap, toArray } from 'rxjs';
import { ClientKafka, KafkaContext, ServerKafka } from '../../../src/index.js';
import { uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';

const p = uniqueTopic('hooks');
const WHO = `${p}.who`;
const COUNT = `${p}.count`;
const FLAKY = `${p}.flaky`;

// What a tracing or request-context hook does: a store per message, set up around its handler.
const store = new AsyncLocalStorage<{ topic: string; offset: string }>();
const seen: string[] = [];
const flakyTries: string[] = [];

const offsetOf = (context: KafkaContext) => (context.getMessage() as unknown as { offset: string }).offset;
const current = () => (store.getStore() ? `${store.getStore()!.topic}@${store.getStore()!.offset}` : 'no store');

@Controller()
class HookedController {
  @MessagePattern<string>(WHO)
  async who(@Payload() name: string) {
    await new Promise((wake) => setTimeout(wake, 20));
    return `${name} ran in ${current()}`;
  }

  @MessagePattern<string>(COUNT)
  count() {
    return interval(30).pipe(
      take(3),
      map((n) => n + 1),
      tap((n) => seen.push(`value ${n} in ${current()}`)),
    );
  }

  @EventPattern<string>(FLAKY, { eventRetry: { attempts: 3, backoffMs: 20 } })
  flaky(@Payload() event: { id: number }, @Ctx() context: KafkaContext) {
    flakyTries.push(`${event.id} in ${current()} (offset ${offsetOf(context)})`);
    if (flakyTries.length < 3) throw new Error('briefly unavailable');
  }
}

@Module({ controllers: [HookedController] })
class HookedModule {}

describe("Nest's processing hooks on ServerKafka", () => {
  let server: INestMicroservice;
  let client: ClientKafka;
  const hookCalls: string[] = [];

  beforeAll(async () => {
    const strategy = new ServerKafka(kafkaOptions('hooks-server'));
    strategy.setOnProcessingStartHook((transportId, context, done) => {
      const kafka = context as KafkaContext;
      hookCalls.push(`start ${kafka.getTopic()} (${transportId === Transport.KAFKA ? 'KAFKA' : String(transportId)})`);
      return store.run({ topic: kafka.getTopic(), offset: offsetOf(kafka) }, done);
    });
    strategy.setOnProcessingEndHook((_transportId, context) => {
      hookCalls.push(`end ${(context as KafkaContext).getTopic()}`);
    });
    server = await startMicroservice(HookedModule, strategy);
    client = new ClientKafka(kafkaOptions('hooks-client'));
    for (const pattern of [WHO, COUNT]) client.subscribeToResponseOf(pattern);
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it("runs a request's handler inside the start hook, and the end hook once, after its reply", async () => {
    await expect(firstValueFrom(client.send(WHO, 'ada'))).resolves.toBe(`ada ran in ${WHO}@0`);
    await waitFor(() => hookCalls.includes(`end ${WHO}`), { timeoutMs: 10_000, what: 'the end hook' });
    expect(hookCalls.filter((call) => call.includes(WHO))).toEqual([`start ${WHO} (KAFKA)`, `end ${WHO}`]);
  });

  it('keeps the store for every value of a reply stream, and ends once the stream has ended', async () => {
    await expect(lastValueFrom(client.send(COUNT, {}).pipe(toArray()))).resolves.toEqual(['1', '2', '3']);
    await waitFor(() => hookCalls.includes(`end ${COUNT}`), { timeoutMs: 10_000, what: 'the end hook' });
    expect(seen).toEqual([`value 1 in ${COUNT}@0`, `value 2 in ${COUNT}@0`, `value 3 in ${COUNT}@0`]);
    expect(hookCalls.filter((call) => call.includes(COUNT))).toEqual([`start ${COUNT} (KAFKA)`, `end ${COUNT}`]);
  });

  it("wraps an event's tries once: every try sees the store, the end hook runs after the last", async () => {
    await firstValueFrom(client.emit(FLAKY, { id: 7 }));
    await waitFor(() => hookCalls.includes(`end ${FLAKY}`), { timeoutMs: 30_000, what: 'the end hook' });
    expect(flakyTries).toEqual([0, 1, 2].map(() => `7 in ${FLAKY}@0 (offset 0)`));
    expect(hookCalls.filter((call) => call.includes(FLAKY))).toEqual([`start ${FLAKY} (KAFKA)`, `end ${FLAKY}`]);
  });
});
