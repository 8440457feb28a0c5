import { tracingChannel } from 'node:diagnostics_channel';
import type { Producer, RecordMetadata } from 'kafkajs';
import { firstValueFrom } from 'rxjs';
import { ClientKafka } from '../../src/index.js';
import { uniqueTopic } from '../../src/testing/index.js';
import { createTopics, readMessages, testBrokers, testKafka, testDriver } from '../support/test-kafka.js';

describe('concurrent emits', () => {
  it('travel in fewer produce requests, and each completes only once the broker has it', async () => {
    const topic = uniqueTopic('batched');
    const kafka = testKafka();
    await createTopics(kafka, [topic], 3);
    const client = new ClientKafka({ client: { brokers: testBrokers() }, producerOnlyMode: true, ...testDriver() });
    await client.connect();
    const produceRequests = countProduceRequests(client.producer);

    const acknowledged = await Promise.all(Array.from({ length: 300 }, (_, n) => firstValueFrom(client.emit<RecordMetadata[]>(topic, { key: `k${n}`, value: { n } }))));
    await client.close();
    expect(acknowledged.every((metadata) => metadata.length > 0 && metadata.every((entry) => entry.errorCode === 0))).toBe(true);
    expect(produceRequests()).toBeGreaterThan(0);
    expect(produceRequests()).toBeLessThan(300 / 5);

    const seen = new Set((await readMessages(kafka, topic, 300)).map((message) => String(message.key)));
    expect(seen.size).toBe(300);
  });
});

/**
 * Counts the produce requests of one producer: kafkajs reports each request; platformatic traces
 * each send, which on a one-broker cluster is one produce request.
 */
function countProduceRequests(producer: unknown): () => number {
  let count = 0;
  if (testDriver().driver === 'platformatic') {
    tracingChannel('plt:kafka:producer:sends').start.subscribe((context) => {
      if ((context as { client?: unknown }).client === producer) count += 1;
    });
  } else {
    const kafkajs = producer as Producer;
    kafkajs.on(kafkajs.events.REQUEST, ({ payload }) => {
      if (payload.apiName === 'Produce') count += 1;
    });
  }
  return () => count;
}
