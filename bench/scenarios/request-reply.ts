import { firstValueFrom } from 'rxjs';
import { uniqueTopic } from 'nestjs-kafka-transport/testing';
import { benchModule, startClient, startServer, type Transports } from '../apps.js';
import { kilobytePayload } from '../payload.js';
import { quantile } from '../stats.js';
import { createTopics, withCallers } from './bench-kafka.js';

export interface RequestReplyFigures {
  p50: number;
  p99: number;
  p999: number;
  /** Requests per second, by number of concurrent callers. */
  throughput: Record<number, number>;
}

/** Latency at concurrency 1 (ms), then requests per second for each number of concurrent callers. */
export async function requestReply(kind: Transports, brokers: string[], sequential: number, concurrent: number, callers: number[]): Promise<RequestReplyFigures> {
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
    const throughput: Record<number, number> = {};
    for (const count of callers) {
      const started = performance.now();
      await withCallers(count, concurrent, (n) => firstValueFrom(client.send(topic, kilobytePayload(n))));
      throughput[count] = concurrent / ((performance.now() - started) / 1000);
    }
    return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), p999: quantile(latencies, 0.999), throughput };
  } finally {
    await client.close();
    await server.close();
  }
}
