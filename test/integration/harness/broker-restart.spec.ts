import { startKafka, uniqueGroupId, uniqueTopic, waitFor, type KafkaTestCluster } from '../../../src/testing/index.js';
import { testKafka } from '../../support/test-kafka.js';

describe('a broker restarted mid-test', () => {
  let cluster: KafkaTestCluster;

  beforeAll(async () => {
    // Its own broker: restarting the shared one would disturb every other test.
    cluster = await startKafka({ env: {} });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('keeps every message acknowledged before the restart and serves them and new ones after it', async () => {
    const kafka = testKafka(cluster.brokers);
    const topic = uniqueTopic('restart');
    const before = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `before-${i}` }));
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: before });
    await producer.disconnect();

    await cluster.restart();

    const producerAfter = kafka.producer();
    await producerAfter.connect();
    await producerAfter.send({ topic, acks: -1, messages: [{ key: 'after', value: 'after-0' }] });
    await producerAfter.disconnect();

    const values: string[] = [];
    const consumer = kafka.consumer({ groupId: uniqueGroupId() });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
    try {
      await waitFor(() => values.length >= before.length + 1, { timeoutMs: 60_000, what: '51 messages after the restart' });
    } finally {
      await consumer.disconnect();
    }
    expect(values).toEqual([...before.map((m) => m.value), 'after-0']);
  });

  it('stops exactly its own process: the broker no longer answers after stop()', async () => {
    const own = await startKafka({ env: {} });
    const [node] = own.nodes;
    expect(node.running).toBe(true);
    await own.stop();
    expect(node.running).toBe(false);
    const admin = testKafka(own.brokers, { retry: { retries: 0 }, connectionTimeout: 500 }).admin();
    await expect(admin.connect()).rejects.toThrow();
  });
});
