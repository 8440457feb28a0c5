import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, KafkaRetriableException, ServerKafka } from '../../../src/index.js';
import { uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';

// Nest's own Kafka end-to-end scenarios (integration/microservices/e2e/sum-kafka.spec.ts), on this transport.
const p = uniqueTopic('e2e');
const SUM = `${p}.math.sum`;
const NOTIFY = `${p}.notify`;
const USER_CREATE = `${p}.user.create`;
const FLAKY_REQUEST = `${p}.flaky-request`;
const notified: unknown[] = [];
let flakyCalls = 0;

class UserDto {
  constructor(
    readonly name: string,
    readonly email: string,
  ) {}
}

function toNumbers(data: unknown): number[] {
  if (Array.isArray(data)) return data.map(Number);
  if (typeof data === 'string') return data.split(/,|/).filter(Boolean).map(Number);
  return ((data as { numbers: number[] }).numbers ?? []).map(Number);
}

@Controller()
class E2eController {
  @MessagePattern(SUM)
  sum(@Payload() data: unknown) {
    return toNumbers(data).reduce((total, n) => total + n, 0);
  }

  @EventPattern(NOTIFY)
  notify(@Payload() event: unknown) {
    notified.push(event);
  }

  @MessagePattern(USER_CREATE)
  createUser(@Payload() user: { name: string; email: string }) {
    return new UserDto(user.name, user.email);
  }

  @MessagePattern(FLAKY_REQUEST)
  flaky() {
    flakyCalls += 1;
    if (flakyCalls === 1) throw new KafkaRetriableException('downstream busy, try again');
    return { handledOnCall: flakyCalls };
  }
}

@Module({ controllers: [E2eController] })
class E2eModule {}

describe("Nest's Kafka e2e scenarios on this transport", () => {
  let server: INestMicroservice;
  let client: ClientKafka;

  beforeAll(async () => {
    server = await startMicroservice(E2eModule, new ServerKafka({ ...kafkaOptions('e2e-server'), client: { ...kafkaOptions('e2e-server').client, retry: { initialRetryTime: 100, retries: 5 } } }));
    client = new ClientKafka({ ...kafkaOptions('e2e-client'), requestTimeout: 30_000 });
    for (const pattern of [SUM, USER_CREATE, FLAKY_REQUEST]) client.subscribeToResponseOf(pattern);
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it.each([
    ['an envelope with a key', { key: '1', value: { numbers: [1, 2, 3, 4, 5] } }],
    ['an envelope without a key', { value: { numbers: [1, 2, 3, 4, 5] } }],
    ['a plain object', { numbers: [1, 2, 3, 4, 5] }],
    ['an array', [1, 2, 3, 4, 5]],
    ['a comma-separated string', '1,2,3,4,5'],
    ['a number, whose digits are summed', 12345],
  ])('sums %s to 15', async (_name, payload) => {
    await expect(firstValueFrom(client.send(SUM, payload))).resolves.toBe('15');
  });

  it('delivers an event', async () => {
    await firstValueFrom(client.emit(NOTIFY, { notify: true }));
    await waitFor(() => notified.length > 0, { timeoutMs: 30_000, what: 'the notify event' });
    expect(notified).toEqual([{ notify: true }]);
  });

  it('returns a class instance as its JSON', async () => {
    await expect(firstValueFrom(client.send(USER_CREATE, { name: 'Ada', email: 'ada@example.com' }))).resolves.toEqual({ name: 'Ada', email: 'ada@example.com' });
  });

  it('answers 100 concurrent callers, each with its own reply', async () => {
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => firstValueFrom(client.send(SUM, [i, 1000]))));
    expect(replies).toEqual(Array.from({ length: 100 }, (_, i) => String(i + 1000)));
  });

  it('redelivers a request whose handler throws KafkaRetriableException, and answers it then', async () => {
    await expect(firstValueFrom(client.send(FLAKY_REQUEST, {}))).resolves.toEqual({ handledOnCall: 2 });
  });
});
