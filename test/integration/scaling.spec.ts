import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, ReplyPartitionUnavailableError, ServerKafka } from '../../src/index.js';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../src/testing/index.js';
import { createTopicsWithLeaders } from '../../src/driver/create-topics-with-leaders.js';
import { kafkaOptions, startMicroservice } from '../support/nest-apps.js';
import { quickGroupMoves, testBrokers, testKafka, testDriver } from '../support/test-kafka.js';

/** A server module whose handler says which instance answered, after an optional delay. */
function instanceModule(topic: string, instance: string, handledBy: string[], delayMs = 0) {
  @Controller()
  class WhoAnswers {
    @MessagePattern(topic)
    async answer(@Payload() data: { n: number }) {
      handledBy.push(instance);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return { n: data.n, instance };
    }
  }
  @Module({ controllers: [WhoAnswers] })
  class InstanceModule {}
  return InstanceModule;
}

async function createTopicWithPartitions(topic: string, partitions: number, replyPartitions = partitions) {
  const admin = testKafka().admin();
  await admin.connect();
  await createTopicsWithLeaders(admin, [{ topic, numPartitions: partitions }, { topic: `${topic}.reply`, numPartitions: replyPartitions }]);
  await admin.disconnect();
}

function replyClient(topic: string | string[], groupId: string): ClientKafka {
  const client = new ClientKafka({ client: { brokers: testBrokers() }, consumer: { groupId, ...quickGroupMoves() }, subscribe: { fromBeginning: true }, requestTimeout: 30_000, ...testDriver() });
  for (const pattern of [topic].flat()) client.subscribeToResponseOf(pattern);
  return client;
}

// Counted on both protocols: under KIP-848 through ConsumerGroupDescribe.
const TOO_FEW_PARTITIONS = 'the group has 3 instances';

describe('several instances', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startServers(topic: string, names: string[], handledBy: string[], delayMs = 0): Promise<INestMicroservice[]> {
    const groupId = uniqueGroupId('servers');
    const servers: INestMicroservice[] = [];
    for (const name of names) {
      const server = await startMicroservice(instanceModule(topic, name, handledBy, delayMs), new ServerKafka({ ...kafkaOptions(name), consumer: { groupId, ...quickGroupMoves() } }));
      cleanups.push(() => server.close());
      servers.push(server);
    }
    return servers;
  }

  it('share a request topic: servers in one group split the partitions and every request is answered once', async () => {
    const topic = uniqueTopic('split-work');
    await createTopicWithPartitions(topic, 4, 1);
    const handledBy: string[] = [];
    await startServers(topic, ['server-a', 'server-b'], handledBy);
    const client = replyClient(topic, uniqueGroupId('caller'));
    cleanups.push(() => client.close());
    await client.connect();
    // Distinct keys spread the requests over all four partitions.
    const replies = await Promise.all(Array.from({ length: 40 }, (_, n) => firstValueFrom(client.send<{ n: number; instance: string }>(topic, { key: `k-${n}`, value: { n } }))));
    expect(replies.map((reply) => reply.n)).toEqual(Array.from({ length: 40 }, (_, n) => n));
    expect(handledBy).toHaveLength(40);
    expect(new Set(handledBy)).toEqual(new Set(['server-a', 'server-b']));
  });

  it('share a reply topic: each client instance gets its own partition and only its own replies', async () => {
    const topic = uniqueTopic('shared-replies');
    await createTopicWithPartitions(topic, 1, 3);
    await startServers(topic, ['server'], []);
    const groupId = uniqueGroupId('callers');
    const clients = [replyClient(topic, groupId), replyClient(topic, groupId), replyClient(topic, groupId)];
    for (const client of clients) {
      cleanups.push(() => client.close());
      await client.connect();
    }
    await waitFor(() => new Set(clients.map((c) => c.getConsumerAssignments()[`${topic}.reply`])).size === 3, { timeoutMs: 60_000, what: 'three distinct reply partitions' });
    const results = await Promise.all(clients.map((client, c) => Promise.all(Array.from({ length: 10 }, (_, i) => firstValueFrom(client.send<{ n: number }>(topic, { n: c * 100 + i }))))));
    results.forEach((replies, c) => expect(replies.map((reply) => reply.n)).toEqual(Array.from({ length: 10 }, (_, i) => c * 100 + i)));
  });

  it('several reply topics: instances that start one after another each get a partition of every one', async () => {
    const [first, second] = [uniqueTopic('orders'), uniqueTopic('invoices')];
    await createTopicWithPartitions(first, 1, 2);
    await createTopicWithPartitions(second, 1, 2);
    await startServers(first, ['orders-server'], []);
    await startServers(second, ['invoices-server'], []);
    const groupId = uniqueGroupId('callers');
    const clients = [replyClient([first, second], groupId), replyClient([first, second], groupId)];
    for (const client of clients) {
      cleanups.push(() => client.close());
      await client.connect();
    }
    for (const topic of [first, second]) {
      await waitFor(() => new Set(clients.map((c) => c.getConsumerAssignments()[`${topic}.reply`])).size === 2 && clients.every((c) => c.getConsumerAssignments()[`${topic}.reply`] !== undefined), {
        timeoutMs: 30_000,
        what: `a partition of ${topic}.reply for each instance`,
      });
    }
    const replies = await Promise.all(clients.flatMap((client, c) => [first, second].map((topic) => firstValueFrom(client.send<{ n: number; instance: string }>(topic, { n: c })))));
    expect(replies.map((reply) => [reply.n, reply.instance])).toEqual([
      [0, 'orders-server'],
      [0, 'invoices-server'],
      [1, 'orders-server'],
      [1, 'invoices-server'],
    ]);
  });

  it('more client instances than reply partitions: the newest gets a clear error naming the topic and the partitions needed', async () => {
    const topic = uniqueTopic('too-few');
    await createTopicWithPartitions(topic, 1, 2);
    await startServers(topic, ['server'], []);
    const groupId = uniqueGroupId('crowd');
    const clients = [replyClient(topic, groupId), replyClient(topic, groupId), replyClient(topic, groupId)];
    for (const client of clients) {
      cleanups.push(() => client.close());
      await client.connect();
    }
    const newest = clients[2];
    const error = await waitFor(
      async () => {
        const failure = await firstValueFrom(newest.send(topic, { n: 1 })).catch((e: unknown) => e);
        return failure instanceof ReplyPartitionUnavailableError && failure.message.includes(TOO_FEW_PARTITIONS) ? failure : false;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the newest client to be refused with the partition count' },
    );
    expect(error.message).toContain(`"${topic}.reply" has 2 partition(s); it needs at least 3`);
    await expect(firstValueFrom(clients[0].send<{ n: number }>(topic, { n: 7 }))).resolves.toEqual({ n: 7, instance: 'server' });
  });

  it('a rebalance while requests wait: the sticky assignment keeps each caller\'s partition, so no reply is lost', async () => {
    const topic = uniqueTopic('rebalance');
    await createTopicWithPartitions(topic, 1, 2);
    await startServers(topic, ['slow-server'], [], 1500);
    const groupId = uniqueGroupId('callers');
    const first = replyClient(topic, groupId);
    cleanups.push(() => first.close());
    await first.connect();
    const waiting = Promise.all(Array.from({ length: 5 }, (_, n) => firstValueFrom(first.send<{ n: number }>(topic, { n }))));
    // A second instance joins while the five requests wait on the slow handler.
    const second = replyClient(topic, groupId);
    cleanups.push(() => second.close());
    await second.connect();
    expect(second.getConsumerAssignments()[`${topic}.reply`]).not.toBe(first.getConsumerAssignments()[`${topic}.reply`]);
    const replies = await waiting;
    expect(replies.map((reply) => reply.n)).toEqual([0, 1, 2, 3, 4]);
  });
});
