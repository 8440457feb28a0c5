import type { Logger } from '@nestjs/common';
import type { Consumer, ConsumerSubscribeTopics, Kafka } from 'kafkajs';
import { TopicMissingError } from '../../errors/topic-missing.error.js';
import { ensureTopics } from './ensure-topics.js';

function isUnknownTopic(error: unknown): boolean {
  return (error as { type?: string } | null)?.type === 'UNKNOWN_TOPIC_OR_PARTITION';
}

/**
 * Subscribes; when the broker does not know a topic, creates the missing ones and subscribes again,
 * or, when creating is not allowed, fails with TopicMissingError naming the topics and the option.
 * KRaft answers a subscription to a topic it is still auto-creating with the same error, which
 * kafkajs does not retry: that case takes the creating path too.
 */
export async function subscribeCreatingMissing(consumer: Consumer, kafka: Kafka, subscription: ConsumerSubscribeTopics, createTopics: boolean, logger: Logger): Promise<void> {
  // RegExp subscriptions match what exists; only named topics can be missing or created.
  const named = subscription.topics.filter((topic): topic is string => typeof topic === 'string');
  try {
    await consumer.subscribe(subscription);
    return;
  } catch (error) {
    if (!isUnknownTopic(error)) throw error;
    if (!createTopics) throw new TopicMissingError(named, error);
  }
  await ensureTopics(kafka, named, logger);
  await consumer.subscribe(subscription);
}
