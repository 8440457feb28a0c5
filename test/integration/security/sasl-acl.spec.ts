import 'reflect-metadata';
import { Controller, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type Admin, type SASLOptions } from 'kafkajs';
import { firstValueFrom } from 'rxjs';
import { AuthenticationFailedError, AuthorizationFailedError, ClientKafka, ServerKafka, TlsFailedError } from '../../../src/index.js';
import { startKafka, uniqueGroupId, uniqueTopic, waitFor, type KafkaTestCluster } from '../../../src/testing/index.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { createTopics, testKafka, testDriver } from '../../support/test-kafka.js';

// Every name alice may use starts with this prefix; bob has no ACL at all.
const PREFIX = 'secure';
const ECHO = uniqueTopic(`${PREFIX}-echo`);
const EVENTS = uniqueTopic(`${PREFIX}-events`);
const FORBIDDEN = uniqueTopic('forbidden');
const alice = { username: 'alice', password: 'alice-Pa55-word-1' };
const bob = { username: 'bob', password: 'bob-Pa55-word-2' };
const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

interface Numbered {
  n?: number;
}
const events: number[] = [];

@Controller()
class SecureController {
  @MessagePattern(ECHO)
  echo(@Payload() data: Numbered) {
    return { echoed: data.n };
  }

  @EventPattern(EVENTS)
  onEvent(@Payload() data: Numbered) {
    events.push(Number(data.n));
  }
}

@Module({ controllers: [SecureController] })
class SecureModule {}

describe('SASL over TLS with ACLs, on the test kit\'s broker', () => {
  const logger = new RecordingLogger();
  let cluster: KafkaTestCluster;
  let admin: Admin;
  const cleanups: (() => Promise<unknown>)[] = [];

  const options = (user: { username: string; password: string }, mechanism: (typeof MECHANISMS)[number], extra: { ca?: boolean } = {}) => ({
    client: {
      brokers: cluster.brokers,
      ssl: extra.ca === false ? true : { ca: [cluster.security!.ca!] },
      sasl: { mechanism: mechanism.toLowerCase(), ...user } as SASLOptions,
      retry: { retries: 2, initialRetryTime: 100 },
    },
    consumer: { groupId: uniqueGroupId(PREFIX) },
    subscribe: { fromBeginning: true },
    ...testDriver(),
  });

  beforeAll(async () => {
    Logger.overrideLogger(logger);
    cluster = await startKafka({ env: {}, security: { tls: true, sasl: { mechanisms: [...MECHANISMS], users: [alice, bob] }, acls: true } });
    // Set-up as a super user, on the plaintext listener the kit keeps for it.
    const setup = testKafka(cluster.security!.adminBrokers);
    await createTopics(setup, [ECHO, `${ECHO}.reply`, EVENTS, FORBIDDEN]);
    admin = setup.admin();
    await admin.connect();
    const allowAlice = (resourceType: AclResourceTypes) => ({
      resourceType,
      resourceName: PREFIX,
      resourcePatternType: ResourcePatternTypes.PREFIXED,
      principal: `User:${alice.username}`,
      host: '*',
      operation: AclOperationTypes.ALL,
      permissionType: AclPermissionTypes.ALLOW,
    });
    await admin.createAcls({ acl: [allowAlice(AclResourceTypes.TOPIC), allowAlice(AclResourceTypes.GROUP)] });
  }, 180_000);

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  afterAll(async () => {
    await admin?.disconnect();
    await cluster?.stop();
  });

  it.each(MECHANISMS)('serves requests and events over SASL_SSL with %s', async (mechanism) => {
    expect(cluster.security?.protocol).toBe('SASL_SSL');
    const server = await NestFactory.createMicroservice<MicroserviceOptions>(SecureModule, { strategy: new ServerKafka(options(alice, mechanism)), logger });
    cleanups.push(() => server.close());
    await server.listen();
    const client = new ClientKafka(options(alice, mechanism));
    cleanups.push(() => client.close());
    client.subscribeToResponseOf(ECHO);
    await client.connect();
    const n = MECHANISMS.indexOf(mechanism) + 1;
    await expect(firstValueFrom(client.send(ECHO, { n }))).resolves.toEqual({ echoed: n });
    await firstValueFrom(client.emit(EVENTS, { n }));
    await waitFor(() => events.includes(n), { timeoutMs: 30_000, what: `event ${n}` });
  });

  it('fails connect() and listen() fast on a wrong password, naming client.sasl and never the password', async () => {
    const wrong = { username: alice.username, password: 'not-the-Pa55-word-3' };
    const started = Date.now();
    const client = new ClientKafka({ ...options(wrong, 'SCRAM-SHA-256'), producerOnlyMode: true });
    cleanups.push(() => client.close());
    const error = await client.connect().then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(AuthenticationFailedError);
    expect((error as Error).message).toContain('client.sasl');
    expect((error as Error).message).toContain('"alice"');
    expect((error as Error).message).not.toContain(wrong.password);
    const server = await NestFactory.createMicroservice<MicroserviceOptions>(SecureModule, { strategy: new ServerKafka(options(wrong, 'PLAIN')), logger });
    await expect(server.listen()).rejects.toBeInstanceOf(AuthenticationFailedError);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('fails connect() at once when it does not trust the broker\'s certificate, naming client.ssl.ca', async () => {
    // kafkajs's default retries: about 10 s of them before it would give up on its own.
    const client = new ClientKafka({ client: { ...options(alice, 'PLAIN', { ca: false }).client, retry: undefined }, producerOnlyMode: true, ...testDriver() });
    cleanups.push(() => client.close());
    const started = Date.now();
    const error = await client.connect().then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(TlsFailedError);
    expect((error as Error).message).toContain('client.ssl.ca');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('fails an emit and listen() with AuthorizationFailedError naming the topic or group the user has no ACL for', async () => {
    const client = new ClientKafka({ ...options(bob, 'SCRAM-SHA-512'), producerOnlyMode: true });
    cleanups.push(() => client.close());
    await client.connect();
    const emitted = firstValueFrom(client.emit(FORBIDDEN, { n: 1 }));
    await expect(emitted).rejects.toBeInstanceOf(AuthorizationFailedError);
    await expect(emitted).rejects.toThrow(`user "bob" is not allowed to use topic "${FORBIDDEN}"`);

    const server = await NestFactory.createMicroservice<MicroserviceOptions>(SecureModule, { strategy: new ServerKafka({ ...options(bob, 'PLAIN'), createTopics: false }), logger });
    const failure = await server.listen().then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthorizationFailedError);
    expect((failure as Error).message).toMatch(/user "bob" is not allowed to use (topic|group) /);
  });

  it('never writes a password into a log line', () => {
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const secret of [alice.password, bob.password, 'not-the-Pa55-word-3']) {
      expect(logger.lines.filter((line) => line.text.includes(secret))).toEqual([]);
    }
  });
});
