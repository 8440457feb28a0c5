import { firstValueFrom } from 'rxjs';
import { uniqueTopic } from 'nestjs-kafka-transport/testing';
import { benchModule, startClient, startServer, type Transports } from '../apps.js';
import { kilobytePayload } from '../payload.js';
import { createTopics, until } from './bench-kafka.js';

export interface CloseFigures {
  idleMs: number;
  busyMs: number;
}

// A busy server is in the middle of a backlog of events, each handled in this long.
const BUSY_HANDLER_MS = 5;
const BACKLOG = 400;

/** Milliseconds `app.close()` takes for a server with nothing to do, and for one working through a backlog. */
export async function serverCloseTime(kind: Transports, brokers: string[]): Promise<CloseFigures> {
  return { idleMs: await closeTime(kind, brokers, false), busyMs: await closeTime(kind, brokers, true) };
}

async function closeTime(kind: Transports, brokers: string[], busy: boolean): Promise<number> {
  const topic = uniqueTopic(`bench-close-${kind}`);
  await createTopics(brokers, [topic, `${topic}.reply`, `${topic}.events`], 1);
  let handled = 0;
  const onEvent = () => new Promise<void>((done) => setTimeout(() => done(void (handled += 1)), busy ? BUSY_HANDLER_MS : 0));
  const server = await startServer(kind, benchModule(`${topic}.events`, topic, onEvent), brokers);
  const client = await startClient(kind, brokers, topic);
  try {
    // The server has fetched and answered once: what follows is its steady state, not start-up.
    await firstValueFrom(client.send(topic, kilobytePayload(0)));
    if (busy) {
      await Promise.all(Array.from({ length: BACKLOG }, (_, n) => firstValueFrom(client.emit(`${topic}.events`, kilobytePayload(n)))));
      await until(() => handled >= BACKLOG / 10, 'the server working through its backlog');
    } else {
      // Past the fetch that answered: the server now waits in an empty fetch.
      await new Promise((pause) => setTimeout(pause, 1000));
    }
    const started = performance.now();
    await server.close();
    return performance.now() - started;
  } finally {
    await client.close();
  }
}
