import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom } from 'rxjs';
import { uniqueGroupId, uniqueTopic } from 'nestjs-kafka-transport/testing';
import { benchModule, startClient, startServer, type Transports } from '../apps.js';
import { kilobytePayload } from '../payload.js';
import { createTopics, until } from './bench-kafka.js';

export const WAITING_PARTITIONS = 6;
// Each event waits this long, as a handler calling a database would: 200 a second per lane at most.
export const WAITING_HANDLER_MS = 5;

/**
 * Events per second on one server instance, 6 partitions, each event waiting 5 ms. Ours runs
 * `concurrency` records of a partition at once (in order per key; every event has its own key);
 * the built-in runs a partition at a time, with `partitionsConsumedConcurrently: 6`.
 */
export async function waitingHandler(kind: Transports, brokers: string[], concurrency: number, events: number): Promise<number> {
  const topic = uniqueTopic(`bench-waiting-${kind}`);
  await createTopics(brokers, [topic], WAITING_PARTITIONS);
  await createTopics(brokers, [`${topic}.unused`], 1);
  let received = 0;
  const module = benchModule(topic, `${topic}.unused`, async () => {
    await sleep(WAITING_HANDLER_MS);
    received += 1;
  });
  const client = await startClient(kind, brokers);
  const server = await startServer(kind, module, brokers, uniqueGroupId(`bench-waiting-${kind}`), {
    ours: { concurrency },
    builtin: { run: { partitionsConsumedConcurrently: WAITING_PARTITIONS } },
  });
  try {
    const started = performance.now();
    await Promise.all(Array.from({ length: events }, (_, n) => firstValueFrom(client.emit(topic, { key: String(n), value: kilobytePayload(n) }))));
    await until(() => received >= events, `${events} events on ${kind} at concurrency ${concurrency}`);
    return events / ((performance.now() - started) / 1000);
  } finally {
    await client.close();
    await server.close();
  }
}
