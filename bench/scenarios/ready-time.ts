import { firstValueFrom } from 'rxjs';
import { uniqueTopic } from 'nestjs-kafka-transport/testing';
import { benchModule, startClient, startServer, type Transports } from '../apps.js';
import { kilobytePayload } from '../payload.js';
import { createTopics } from './bench-kafka.js';

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
