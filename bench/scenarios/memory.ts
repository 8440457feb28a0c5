import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom, timeout } from 'rxjs';
import { uniqueTopic } from 'nestjs-kafka-transport/testing';
import { startClient, type Caller, type Transports } from '../apps.js';
import { kilobytePayload } from '../payload.js';
import { createTopics, until } from './bench-kafka.js';

const REQUEST_TIMEOUT_MS = 3000;
const SEND_WINDOW = 1000;

export interface MemoryFigures {
  heapBeforeMb: number;
  heapPeakMb: number;
  heapAfterMb: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  rssAfterMb: number;
}

const mb = (bytes: number) => bytes / 2 ** 20;

/** Full collections until the heap stops shrinking: `--expose-gc` is required (scripts/run-bench.mjs passes it). */
export async function settledHeap(): Promise<NodeJS.MemoryUsage> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the memory scenario needs node --expose-gc (run it through npm run bench)');
  for (let round = 0; round < 3; round += 1) {
    gc();
    await sleep(50);
  }
  return process.memoryUsage();
}

/**
 * `requests` requests to a topic nobody consumes, each abandoned after 3 s: ours through its
 * `timeout` option, the built-in through rxjs `timeout()` (it has none of its own). Heap and RSS
 * of this process before, at the peak and after every request failed.
 */
export async function timedOutRequests(kind: Transports, brokers: string[], requests: number): Promise<MemoryFigures> {
  const topic = uniqueTopic(`bench-timeouts-${kind}`);
  await createTopics(brokers, [topic, `${topic}.reply`], 1);
  const client = await startClient(kind, brokers, topic);
  let failed = 0;
  let peak = { heapUsed: 0, rss: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    peak = { heapUsed: Math.max(peak.heapUsed, usage.heapUsed), rss: Math.max(peak.rss, usage.rss) };
  };
  try {
    const before = await settledHeap();
    const sampler = setInterval(sample, 20);
    const waits: Promise<unknown>[] = [];
    for (let n = 0; n < requests; n += 1) {
      waits.push(abandoned(kind, client, topic, n).then(() => (failed += 1)));
      if (n % SEND_WINDOW === SEND_WINDOW - 1) await sleep(0);
    }
    await until(() => failed >= requests, `${requests} timeouts (${kind})`);
    await Promise.all(waits);
    clearInterval(sampler);
    sample();
    waits.length = 0;
    const after = await settledHeap();
    return {
      heapBeforeMb: mb(before.heapUsed),
      heapPeakMb: mb(peak.heapUsed),
      heapAfterMb: mb(after.heapUsed),
      rssBeforeMb: mb(before.rss),
      rssPeakMb: mb(peak.rss),
      rssAfterMb: mb(after.rss),
    };
  } finally {
    await client.close();
  }
}

/** Resolves once the request failed; a reply would be a bug in the scenario. */
async function abandoned(kind: Transports, client: Caller, topic: string, n: number): Promise<void> {
  const reply$ = kind === 'ours' ? client.send(topic, kilobytePayload(n), { timeout: REQUEST_TIMEOUT_MS }) : client.send(topic, kilobytePayload(n)).pipe(timeout(REQUEST_TIMEOUT_MS));
  try {
    await firstValueFrom(reply$);
  } catch {
    return;
  }
  throw new Error(`request ${n} to ${topic} was answered, but nobody consumes that topic`);
}
