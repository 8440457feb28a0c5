import type { RecordMetadata } from 'kafkajs';
import { firstValueFrom } from 'rxjs';
import { ClientKafka } from '../../src/index.js';
import { uniqueTopic } from '../../src/testing/index.js';
import { createTopics, readMessages, testBrokers, testKafka } from '../support/test-kafka.js';

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

    const seen = new Set((await readMessages(kafka, topic, 300)).map((message) => String(message.key)));
    expect(seen.size).toBe(300);
  });
});
