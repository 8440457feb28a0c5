import { Kafka, logLevel } from 'kafkajs';
import { firstValueFrom } from 'rxjs';
import { createTopicsWithLeaders, uniqueGroupId, uniqueTopic } from 'nestjs-kafka-transport/testing';
import { benchModule, startClient, startServer, type Transports } from './apps.js';
import { kilobytePayload } from './payload.js';
import { quantile } from './stats.js';

const EMIT_WINDOW = 1000;
const RAW_BATCH = 500;

async function createTopics(brokers: string[], topics: string[], numPartitions: number): Promise<void> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await createTopicsWithLeaders(admin, topics.map((topic) => ({ topic, numPartitions })));
  await admin.disconnect();
}

async function until(check: () => boolean, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Messages per second from the first emit until the handler saw the last message. */
export async function eventThroughput(kind: Transports | 'kafkajs', brokers: string[], messages: number, partitions: number): Promise<number> {
  const topic = uniqueTopic(`bench-events-${kind}`);
  // The built-in server subscribes to every handler's topic and cannot create them on KRaft.
  await createTopics(brokers, [topic], partitions);
  await createTopics(brokers, [`${topic}.unused`], 1);
  let received = 0;
  if (kind === 'kafkajs') return rawEventThroughput(brokers, topic, messages, () => ++received, () => received);

  const server = await startServer(kind, benchModule(topic, `${topic}.unused`, () => (received += 1)), brokers);
  const client = await startClient(kind, brokers);
  try {
    const started = performance.now();
    for (let first = 0; first < messages; first += EMIT_WINDOW) {
      const window = Array.from({ length: Math.min(EMIT_WINDOW, messages - first) }, (_, i) => firstValueFrom(client.emit(topic, kilobytePayload(first + i))));
      await Promise.all(window);
    }
    await until(() => received >= messages, `${messages} events (${kind})`);
    return messages / ((performance.now() - started) / 1000);
  } finally {
    await client.close();
    await server.close();
  }
}

async function rawEventThroughput(brokers: string[], topic: string, messages: number, count: () => void, received: () => number): Promise<number> {
  const kafka = new Kafka({ brokers, clientId: 'bench-kafkajs', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueGroupId('bench-kafkajs') });
  const producer = kafka.producer();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async () => count() });
  await producer.connect();
  try {
    const started = performance.now();
    for (let first = 0; first < messages; first += RAW_BATCH) {
      const batch = Array.from({ length: Math.min(RAW_BATCH, messages - first) }, (_, i) => ({ value: JSON.stringify(kilobytePayload(first + i)) }));
      await producer.send({ topic, messages: batch });
    }
    await until(() => received() >= messages, `${messages} events (kafkajs)`);
    return messages / ((performance.now() - started) / 1000);
  } finally {
    await producer.disconnect();
    await consumer.disconnect();
  }
}

export interface RequestReplyFigures {
  p50: number;
  p99: number;
  p999: number;
  throughput64: number;
}

/** Latency at concurrency 1 (ms) and requests per second with 64 concurrent callers. */
export async function requestReply(kind: Transports, brokers: string[], sequential: number, concurrent: number): Promise<RequestReplyFigures> {
  const topic = uniqueTopic(`bench-rr-${kind}`);
  await createTopics(brokers, [topic, `${topic}.reply`, `${topic}.unused-events`], 1);
  const server = await startServer(kind, benchModule(`${topic}.unused-events`, topic, () => undefined), brokers);
  const client = await startClient(kind, brokers, topic);
  try {
    await firstValueFrom(client.send(topic, kilobytePayload(-1)));
    const latencies: number[] = [];
    for (let n = 0; n < sequential; n += 1) {
      const started = performance.now();
      await firstValueFrom(client.send(topic, kilobytePayload(n)));
      latencies.push(performance.now() - started);
    }
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < concurrent) {
          next += 1;
          await firstValueFrom(client.send(topic, kilobytePayload(next)));
        }
      }),
    );
    const throughput64 = concurrent / ((performance.now() - started) / 1000);
    return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), p999: quantile(latencies, 0.999), throughput64 };
  } finally {
    await client.close();
    await server.close();
  }
}

/** Milliseconds from creating a client until its first request is answered (server already up). */
export async function clientReadyTime(kind: Transports, brokers: string[]): Promise<number> {
  const topic = uniqueTopic(`bench-ready-${kind}`);
  await createTopics(brokers, [topic, `${topic}.reply`, `${topic}.unused-events`], 1);
  const server = await startServer(kind, benchModule(`${topic}.unused-events`, topic, () => undefined), brokers);
  try {
    const started = performance.now();
    const client = await startClient(kind, brokers, topic);
    try {
      await firstValueFrom(client.send(topic, kilobytePayload(0)));
      return performance.now() - started;
    } finally {
      await client.close();
    }
  } finally {
    await server.close();
  }
}
