import { Kafka, logLevel } from 'kafkajs';
import { firstValueFrom } from 'rxjs';
import { uniqueGroupId, uniqueTopic } from 'nestjs-kafka-transport/testing';
import { benchModule, startClient, startServer, type Transports } from '../apps.js';
import { kilobytePayload } from '../payload.js';
import { createTopics, until } from './bench-kafka.js';
import { startClock, type EventFigures } from './event-clock.js';
import { rawPlatformaticEventThroughput } from './raw-platformatic.js';

const EMIT_WINDOW = 1000;
const RAW_BATCH = 500;

/** Messages per second from the first emit until the handler saw the last message, and CPU per 100k. */
export async function eventThroughput(kind: Transports | 'kafkajs' | 'platformatic', brokers: string[], messages: number, partitions: number): Promise<EventFigures> {
  const topic = uniqueTopic(`bench-events-${kind}`);
  // The built-in server subscribes to every handler's topic and cannot create them on KRaft.
  await createTopics(brokers, [topic], partitions);
  await createTopics(brokers, [`${topic}.unused`], 1);
  let received = 0;
  if (kind === 'kafkajs') return rawEventThroughput(brokers, topic, messages, () => ++received, () => received);
  if (kind === 'platformatic') return rawPlatformaticEventThroughput(brokers, topic, messages, partitions, () => ++received, () => received);

  const server = await startServer(kind, benchModule(topic, `${topic}.unused`, () => (received += 1)), brokers);
  const client = await startClient(kind, brokers);
  try {
    const clock = startClock();
    for (let first = 0; first < messages; first += EMIT_WINDOW) {
      const window = Array.from({ length: Math.min(EMIT_WINDOW, messages - first) }, (_, i) => firstValueFrom(client.emit(topic, kilobytePayload(first + i))));
      await Promise.all(window);
    }
    await until(() => received >= messages, `${messages} events (${kind})`);
    return clock.stop(messages);
  } finally {
    await client.close();
    await server.close();
  }
}

async function rawEventThroughput(brokers: string[], topic: string, messages: number, count: () => void, received: () => number): Promise<EventFigures> {
  const kafka = new Kafka({ brokers, clientId: 'bench-kafkajs', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueGroupId('bench-kafkajs') });
  const producer = kafka.producer();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  // The least a handler needs: its payload decoded. Counting undecoded bytes would flatter the baseline.
  await consumer.run({
    eachMessage: async ({ message }) => {
      if ((JSON.parse(message.value!.toString()) as { n?: number }).n !== undefined) count();
    },
  });
  await producer.connect();
  try {
    const clock = startClock();
    for (let first = 0; first < messages; first += RAW_BATCH) {
      const batch = Array.from({ length: Math.min(RAW_BATCH, messages - first) }, (_, i) => ({ value: JSON.stringify(kilobytePayload(first + i)) }));
      await producer.send({ topic, messages: batch });
    }
    await until(() => received() >= messages, `${messages} events (kafkajs)`);
    return clock.stop(messages);
  } finally {
    await producer.disconnect();
    await consumer.disconnect();
  }
}
