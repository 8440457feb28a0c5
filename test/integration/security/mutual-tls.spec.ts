import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, ServerKafka, TlsFailedError } from '../../../src/index.js';
import { startKafka, uniqueGroupId, uniqueTopic, type KafkaTestCluster } from '../../../src/testing/index.js';
import { createTopics, testKafka, testDriver } from '../../support/test-kafka.js';

const ECHO = uniqueTopic('mtls-echo');

interface Numbered {
  n?: number;
}

@Controller()
class EchoController {
  @MessagePattern(ECHO)
  echo(@Payload() data: Numbered) {
    return { echoed: data.n };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('mutual TLS, on the test kit\'s broker', () => {
  let cluster: KafkaTestCluster;

  beforeAll(async () => {
    cluster = await startKafka({ env: {}, security: { tls: 'mutual' } });
    await createTopics(testKafka(cluster.security!.adminBrokers), [ECHO, `${ECHO}.reply`]);
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  const options = (withCertificate: boolean) => {
    const { ca, clientCert, clientKey } = cluster.security!;
    return {
      client: { brokers: cluster.brokers, ssl: withCertificate ? { ca: [ca!], cert: clientCert, key: clientKey } : { ca: [ca!] }, retry: { retries: 2, initialRetryTime: 100 } },
      consumer: { groupId: uniqueGroupId('mtls') },
      subscribe: { fromBeginning: true },
      ...testDriver(),
    };
  };

  it('answers requests when server and client present certificates the broker trusts', async () => {
    expect(cluster.security?.protocol).toBe('SSL');
    const server = await NestFactory.createMicroservice<MicroserviceOptions>(EchoModule, { strategy: new ServerKafka(options(true)), logger: false });
    await server.listen();
    const client = new ClientKafka(options(true));
    client.subscribeToResponseOf(ECHO);
    try {
      await client.connect();
      await expect(firstValueFrom(client.send(ECHO, { n: 7 }))).resolves.toEqual({ echoed: 7 });
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('fails connect() at once without a client certificate, naming client.ssl.cert and client.ssl.key', async () => {
    // kafkajs's default retries: about 10 s of them before it would give up on its own.
    const client = new ClientKafka({ client: { ...options(false).client, retry: undefined }, producerOnlyMode: true, ...testDriver() });
    try {
      const started = Date.now();
      const error = await client.connect().then(() => undefined, (failure: unknown) => failure);
      expect(error).toBeInstanceOf(TlsFailedError);
      expect((error as Error).message).toContain('client.ssl.cert and client.ssl.key');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await client.close();
    }
  });
});
