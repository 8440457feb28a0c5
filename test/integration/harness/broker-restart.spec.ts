import { startKafka, uniqueTopic, type KafkaTestCluster } from '../../../src/testing/index.js';
import { readMessages, testKafka } from '../../support/test-kafka.js';

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

    const values = (await readMessages(kafka, topic, before.length + 1)).map((message) => String(message.value));
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
