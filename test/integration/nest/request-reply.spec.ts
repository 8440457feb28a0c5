import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { firstValueFrom, from, interval, lastValueFrom, map, NEVER, take, toArray } from 'rxjs';
import { ClientClosedError, ClientKafka, KafkaContext, ReplyTimeoutError, ReplyTopicNotSubscribedError, ServerKafka } from '../../../src/index.js';
import { uniqueTopic } from '../../../src/testing/index.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';

const p = uniqueTopic('rr');
const SUM = `${p}.sum`;
const ECHO = `${p}.echo`;
const COUNT_SYNC = `${p}.count-sync`;
const COUNT_ASYNC = `${p}.count-async`;
const FAIL_RPC = `${p}.fail-rpc`;
const FAIL_PLAIN = `${p}.fail-plain`;
const NEVER_ANSWERS = `${p}.never`;

@Controller()
class RequestController {
  @MessagePattern(SUM)
  sum(@Payload() numbers: number[]) {
    return numbers.reduce((total, n) => total + n, 0);
  }

  @MessagePattern(ECHO)
  echo(@Payload() data: unknown, @Ctx() context: KafkaContext) {
    const message = context.getMessage() as unknown as { key: unknown; headers: Record<string, unknown> };
    // No `key` or `value` field: Nest (and this transport) would read such a reply as an envelope.
    return { data, messageKey: message.key, trace: message.headers.trace, topic: context.getTopic() };
  }

  @MessagePattern(COUNT_SYNC)
  countSync() {
    return from([{ n: 1 }, { n: 2 }, { n: 3 }]);
  }

  @MessagePattern(COUNT_ASYNC)
  countAsync() {
    return interval(10).pipe(take(3), map((n) => ({ n: n + 1 })));
  }

  @MessagePattern(FAIL_RPC)
  failRpc() {
    throw new RpcException('card declined');
  }

  @MessagePattern(FAIL_PLAIN)
  async failPlain() {
    throw new Error('secret internal detail');
  }

  @MessagePattern(NEVER_ANSWERS)
  never() {
    return NEVER;
  }
}

@Module({ controllers: [RequestController] })
class RequestModule {}

describe('request-reply between ServerKafka and ClientKafka', () => {
  let server: INestMicroservice;
  let client: ClientKafka;

  beforeAll(async () => {
    server = await startMicroservice(RequestModule, new ServerKafka(kafkaOptions('rr-server')));
    client = new ClientKafka({ ...kafkaOptions('rr-client'), requestTimeout: 20_000 });
    for (const pattern of [SUM, ECHO, COUNT_SYNC, COUNT_ASYNC, FAIL_RPC, FAIL_PLAIN, NEVER_ANSWERS]) client.subscribeToResponseOf(pattern);
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('answers with the handler result, a number arriving as its decimal string as on Nest', async () => {
    await expect(firstValueFrom(client.send(SUM, [1, 2, 3, 4, 5]))).resolves.toBe('15');
  });

  it('hands the handler the decoded value, key and headers of an envelope, and returns objects as objects', async () => {
    const reply = await firstValueFrom(client.send(ECHO, { key: 'order-1', value: { amount: 42 }, headers: { trace: 't-1' } }));
    expect(reply).toEqual({ data: { amount: 42 }, messageKey: 'order-1', trace: 't-1', topic: ECHO });
  });

  it('streams every value of a synchronous observable and completes', async () => {
    await expect(lastValueFrom(client.send(COUNT_SYNC, {}).pipe(toArray()))).resolves.toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('streams every value of an asynchronous observable and completes', async () => {
    await expect(lastValueFrom(client.send(COUNT_ASYNC, {}).pipe(toArray()))).resolves.toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('returns an RpcException as Nest\'s error object', async () => {
    await expect(firstValueFrom(client.send(FAIL_RPC, {}))).rejects.toEqual({ status: 'error', message: 'card declined' });
  });

  it('hides a plain error behind Nest\'s "Internal server error"', async () => {
    await expect(firstValueFrom(client.send(FAIL_PLAIN, {}))).rejects.toEqual({ status: 'error', message: 'Internal server error' });
  });

  it('fails a request with no reply after its per-call timeout, with a typed error naming the pattern', async () => {
    const started = Date.now();
    const error = await firstValueFrom(client.send(NEVER_ANSWERS, {}, { timeout: 1500 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplyTimeoutError);
    expect((error as Error).message).toContain(`send('${NEVER_ANSWERS}') got no reply within 1500 ms`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it('fails at once, naming the fix, when the reply topic was never subscribed', async () => {
    const error = await firstValueFrom(client.send(`${p}.not-subscribed`, {})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplyTopicNotSubscribedError);
    expect((error as Error).message).toContain(`call client.subscribeToResponseOf('${p}.not-subscribed') before connect()`);
  });

  it('fails every waiting request at once when the client closes', async () => {
    const closing = new ClientKafka({ ...kafkaOptions('rr-closing') });
    closing.subscribeToResponseOf(NEVER_ANSWERS);
    await closing.connect();
    const pending = Promise.all([1, 2, 3].map(() => firstValueFrom(closing.send(NEVER_ANSWERS, {})).catch((e: unknown) => e)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await closing.close();
    const errors = await pending;
    for (const error of errors) expect(error).toBeInstanceOf(ClientClosedError);
  });
});
