import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, type MicroserviceOptions } from '@nestjs/microservices';
import { ClientKafka, ServerKafka, TopicMissingError } from '../../src/index.js';
import { uniqueGroupId, uniqueTopic } from '../../src/testing/index.js';
import { testBrokers, testKafka, testDriver } from '../support/test-kafka.js';

function replyClient(pattern: string, createTopics?: boolean): ClientKafka {
  const client = new ClientKafka({ client: { brokers: testBrokers() }, consumer: { groupId: uniqueGroupId('reply-topics') }, createTopics, ...testDriver() });
  client.subscribeToResponseOf(pattern);
  return client;
}

describe('reply topics at connect()', () => {
  it('are created when missing, and the client gets its reply partition', async () => {
    const pattern = uniqueTopic('never-created');
    const client = replyClient(pattern);
    try {
      await client.connect();
      expect(client.getConsumerAssignments()).toEqual({ [`${pattern}.reply`]: 0 });
    } finally {
      await client.close();
    }
    const admin = testKafka().admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).toContain(`${pattern}.reply`);
  });

  it('fail connect() with TopicMissingError naming the topic and the option when createTopics is false', async () => {
    const pattern = uniqueTopic('not-allowed');
    const client = replyClient(pattern, false);
    const failure = await client.connect().then(
      () => undefined,
      (error: unknown) => error,
    );
    await client.close();
    expect(failure).toBeInstanceOf(TopicMissingError);
    expect((failure as TopicMissingError).message).toContain(`${pattern}.reply`);
    expect((failure as TopicMissingError).message).toContain('createTopics');
    expect((failure as TopicMissingError).code).toBe('KAFKA_TOPIC_MISSING');
  });
});

describe('request topics at listen()', () => {
  it('fail listen() with TopicMissingError naming the topic when createTopics is false', async () => {
    const topic = uniqueTopic('server-not-allowed');
    @Controller()
    class Handlers {
      @MessagePattern(topic)
      answer() {
        return 'never';
      }
    }
    @Module({ controllers: [Handlers] })
    class HandlersModule {}
    const server = new ServerKafka({ client: { brokers: testBrokers() }, consumer: { groupId: uniqueGroupId('server-topics') }, createTopics: false, ...testDriver() });
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(HandlersModule, { strategy: server, logger: false });
    const failure = await app.listen().then(
      () => undefined,
      (error: unknown) => error,
    );
    await app.close();
    expect(failure).toBeInstanceOf(TopicMissingError);
    expect((failure as TopicMissingError).topics).toEqual([topic]);
  });
});
