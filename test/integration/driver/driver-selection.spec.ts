import { Partitioners } from 'kafkajs';
import { firstValueFrom } from 'rxjs';
import { ClientKafka } from '../../../src/index.js';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { createTopics, testBrokers, testDriver, testKafka } from '../../support/test-kafka.js';

const PARTITIONS = 6;

// kafkajs's own choice for a key: the partition Nest's built-in transport writes a keyed message to.
function kafkajsPartition(topic: string, key: string): number {
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
  return Partitioners.DefaultPartitioner()({ topic, partitionMetadata, message: { key, value: null } });
}

describe(`the driver of this run (${testDriver().driver ?? 'kafkajs, the default'})`, () => {
  it('is the one the transport really runs on', async () => {
    const client = new ClientKafka({ client: { brokers: testBrokers() }, producerOnlyMode: true, ...testDriver() });
    await client.connect();
    try {
      const producer = client.producer as unknown as Record<string, unknown>;
      // kafkajs producers carry instrumentation events; platformatic's are clients that answer metadata requests.
      const runsOn = typeof producer.metadata === 'function' && producer.events === undefined ? 'platformatic' : 'kafkajs';
      expect(runsOn).toBe(testDriver().driver ?? 'kafkajs');
    } finally {
      await client.close();
    }
  });

  it("puts each keyed message on the partition kafkajs's partitioner picks, as the built-in transport does", async () => {
    const topic = uniqueTopic('key-placement');
    const kafka = testKafka();
    await createTopics(kafka, [topic], PARTITIONS);
    const client = new ClientKafka({ client: { brokers: testBrokers() }, producerOnlyMode: true, ...testDriver() });
    await client.connect();
    const keys = Array.from({ length: 120 }, (_, n) => `customer-${n * 7919}`);
    try {
      await Promise.all(keys.map((key) => firstValueFrom(client.emit(topic, { key, value: { key } }))));
    } finally {
      await client.close();
    }
    const placed = new Map<string, number>();
    const consumer = kafka.consumer({ groupId: uniqueGroupId('key-placement') });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ partition, message }) => void placed.set(String(message.key), partition) });
      await waitFor(() => placed.size >= keys.length, { timeoutMs: 30_000, what: `${keys.length} keyed records on ${topic}` });
    } finally {
      await consumer.disconnect();
    }
    const misplaced = keys.filter((key) => placed.get(key) !== kafkajsPartition(topic, key));
    expect(misplaced).toEqual([]);
    expect(new Set(placed.values()).size).toBeGreaterThan(1);
  });
});
