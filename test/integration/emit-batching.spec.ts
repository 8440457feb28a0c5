import type { RecordMetadata } from 'kafkajs';
import { firstValueFrom } from 'rxjs';
import { ClientKafka } from '../../src/index.js';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../src/testing/index.js';
import { createTopics, testBrokers, testKafka } from '../support/test-kafka.js';

describe('concurrent emits', () => {
  it('travel in fewer produce requests, and each completes only once the broker has it', async () => {
    const topic = uniqueTopic('batched');
    const kafka = testKafka();
    await createTopics(kafka, [topic], 3);
    const client = new ClientKafka({ client: { brokers: testBrokers() }, producerOnlyMode: true });
    await client.connect();
    let produceRequests = 0;
    client.producer.on(client.producer.events.REQUEST, ({ payload }) => {
      if (payload.apiName === 'Produce') produceRequests += 1;
    });

    const acknowledged = await Promise.all(Array.from({ length: 300 }, (_, n) => firstValueFrom(client.emit<RecordMetadata[]>(topic, { key: `k${n}`, value: { n } }))));
    await client.close();
    expect(acknowledged.every((metadata) => metadata.length > 0 && metadata.every((entry) => entry.errorCode === 0))).toBe(true);
    expect(produceRequests).toBeLessThan(300 / 5);

    const consumer = kafka.consumer({ groupId: uniqueGroupId() });
    const seen = new Set<string>();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.add(String(message.key)) });
    try {
      await waitFor(() => seen.size >= 300, { timeoutMs: 30_000, what: '300 emitted messages' });
    } finally {
      await consumer.disconnect();
    }
    expect(seen.size).toBe(300);
  });
});
