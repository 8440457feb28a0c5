import { firstValueFrom } from 'rxjs';
import { uniqueTopic } from 'nestjs-kafka-transport/testing';
import { benchModule, startClient, startServer } from '../apps.js';
import { kilobytePayload } from '../payload.js';
import { createTopics } from './bench-kafka.js';
import { settledHeap } from './memory.js';

const CALLERS = 64;

export interface SteadyStreamFigures {
  requests: number;
  /** Heap after a full collection, sampled through the run (MiB). */
  heapSamplesMb: number[];
  /** Last sample minus the first taken after warm-up (MiB): flat memory keeps it near 0. */
  heapGrowthMb: number;
}

/** Our server and client under `durationMs` of request-reply from 64 callers; heap sampled 10 times. */
export async function steadyStream(brokers: string[], durationMs: number): Promise<SteadyStreamFigures> {
  const topic = uniqueTopic('bench-steady');
  await createTopics(brokers, [topic, `${topic}.reply`, `${topic}.unused-events`], 1);
  const server = await startServer('ours', benchModule(`${topic}.unused-events`, topic, () => undefined), brokers);
  const client = await startClient('ours', brokers, topic);
  let requests = 0;
  let stop = false;
  const samples: number[] = [];
  try {
    const callers = Promise.all(
      Array.from({ length: CALLERS }, async () => {
        while (!stop) {
          await firstValueFrom(client.send(topic, kilobytePayload(requests)));
          requests += 1;
        }
      }),
    );
    const interval = durationMs / 10;
    for (let sample = 0; sample < 10; sample += 1) {
      await new Promise((resolve) => setTimeout(resolve, interval));
      samples.push((await settledHeap()).heapUsed / 2 ** 20);
    }
    stop = true;
    await callers;
    // The first sample includes warm-up (JIT, kafkajs buffers); growth is measured from the second.
    return { requests, heapSamplesMb: samples, heapGrowthMb: samples[samples.length - 1] - samples[Math.min(1, samples.length - 1)] };
  } finally {
    await client.close();
    await server.close();
  }
}
