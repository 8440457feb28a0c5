import { Kafka, logLevel } from 'kafkajs';
import { createTopicsWithLeaders } from 'nestjs-kafka-transport/testing';

/** Topics exist before any app starts: the built-in server cannot create them on KRaft. */
export async function createTopics(brokers: string[], topics: string[], numPartitions: number): Promise<void> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await createTopicsWithLeaders(admin, topics.map((topic) => ({ topic, numPartitions })));
  } finally {
    await admin.disconnect();
  }
}

/** Polls `check` every 5 ms; the bench's own measurements start and stop around it. */
export async function until(check: () => boolean, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Runs `calls` calls of `call` with at most `concurrency` at once; resolves when all are done. */
export async function withCallers(concurrency: number, calls: number, call: (n: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, calls) }, async () => {
      while (next < calls) {
        const n = next;
        next += 1;
        await call(n);
      }
    }),
  );
}
