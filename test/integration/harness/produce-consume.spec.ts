import type { Consumer, Producer } from 'kafkajs';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { createTopics, testKafka } from '../../support/test-kafka.js';

describe('the shared test broker', () => {
  const kafka = testKafka();
  let producer: Producer;
  let consumer: Consumer;

  afterEach(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
  });

  it('delivers every produced message, with its key, value and headers, to a consumer group', async () => {
    const topic = uniqueTopic('harness');
    await createTopics(kafka, [topic], 3);

    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ n: i }), headers: { trace: `t${i}` } }));
    producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: sent });

    const received: { key: string; value: string; trace: string }[] = [];
    consumer = kafka.consumer({ groupId: uniqueGroupId() });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({ key: String(message.key), value: String(message.value), trace: String(message.headers?.trace) });
      },
    });
    // Delivery is at least once: a rebalance before the first commit may hand a message over twice.
    const distinct = () => [...new Map(received.map((message) => [message.key, message])).values()];
    await waitFor(() => distinct().length >= sent.length, { timeoutMs: 30_000, what: '30 distinct messages' });

    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    expect(distinct().sort(byKey)).toEqual(sent.map((m) => ({ key: m.key, value: m.value, trace: m.headers.trace })).sort(byKey));
  });
});
