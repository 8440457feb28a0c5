import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, ServerKafka } from '../../src/index.js';
import { startKafka, uniqueGroupId, uniqueTopic, type KafkaTestCluster } from '../../src/testing/index.js';
import { createTopics, testKafka } from '../support/test-kafka.js';

const ECHO = uniqueTopic('restart-echo');

@Controller()
class EchoController {
  @MessagePattern(ECHO)
  echo(@Payload() data: unknown) {
    return { echoed: data };
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
    await createTopics(testKafka(cluster.brokers), [ECHO, `${ECHO}.reply`]);
    const options = { client: { brokers: cluster.brokers, retry: { initialRetryTime: 200, retries: 20 } }, consumer: { groupId: uniqueGroupId('restart') }, subscribe: { fromBeginning: true } };
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
    await expect(firstValueFrom(client.send(ECHO, { n: 1 }))).resolves.toEqual({ echoed: { n: 1 } });
    await cluster.restart();
    await expect(firstValueFrom(client.send(ECHO, { n: 2 }))).resolves.toEqual({ echoed: { n: 2 } });
  });
});
