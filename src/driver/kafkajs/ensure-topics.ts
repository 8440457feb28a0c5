import type { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { createTopicsWithLeaders } from '../create-topics-with-leaders.js';

/**
 * Creates the topics that do not exist yet, with the broker's default partition count. KRaft brokers
 * answer a consumer's subscription to a topic they are still auto-creating with an error that kafkajs
 * does not retry, so the transport creates its topics before subscribing. Without the right to
 * create topics it warns and goes on: the topics may exist, or be created by someone else.
 */
export async function ensureTopics(kafka: Kafka, topics: string[], logger: Logger): Promise<void> {
  if (topics.length === 0) return;
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await createTopicsWithLeaders(admin, missing.map((topic) => ({ topic })));
    logger.log(`created topic(s) ${missing.join(', ')}`);
  } catch (error) {
    logger.warn(`could not create topic(s) ${topics.join(', ')}: ${(error as Error).message}; subscribing anyway`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
