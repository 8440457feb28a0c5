import { startKafka, uniqueTopic, waitFor, type KafkaTestCluster } from '../../../src/testing/index.js';
import { createTopicsWithLeaders } from '../../../src/driver/kafkajs/create-topics.js';
import { readMessages, testKafka } from '../../support/test-kafka.js';

describe('a three-node test cluster', () => {
  let cluster: KafkaTestCluster;

  beforeAll(async () => {
    cluster = await startKafka({ env: {}, nodes: 3, heapMb: 384 });
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('keeps serving a replicated topic while the leader of its partition is stopped, and takes the node back', async () => {
    expect(cluster.brokers).toHaveLength(3);
    const kafka = testKafka(cluster.brokers);
    const topic = uniqueTopic('failover');
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsWithLeaders(admin, [{ topic, numPartitions: 1, replicationFactor: 3 }]);
    const leaderOf = async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions[0].leader;
    const firstLeader = await leaderOf();

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'one' }] });

    const leaderNode = cluster.nodes.find((node) => node.nodeId === firstLeader)!;
    await leaderNode.stop();
    await waitFor(async () => (await leaderOf()) !== firstLeader, { timeoutMs: 60_000, what: 'a new partition leader' });
    await producer.send({ topic, acks: -1, messages: [{ value: 'two' }] });

    await leaderNode.start();
    await waitFor(async () => (await admin.describeCluster()).brokers.length === 3, { timeoutMs: 60_000, what: 'three brokers again' });
    await producer.send({ topic, acks: -1, messages: [{ value: 'three' }] });
    await producer.disconnect();
    await admin.disconnect();

    const values = (await readMessages(kafka, topic, 3)).map((message) => String(message.value));
    expect(values).toEqual(['one', 'two', 'three']);
  });
});
