import { KafkaTransportError } from './kafka-transport.error.js';

/**
 * This client instance holds no partition of a reply topic: more instances share the reply group
 * than the topic has partitions, or a rebalance took its partition while requests were waiting.
 */
export class ReplyPartitionUnavailableError extends KafkaTransportError {
  constructor(
    readonly replyTopic: string,
    readonly groupId: string,
    detail: string,
  ) {
    super(
      'KAFKA_REPLY_PARTITION_UNAVAILABLE',
      `this client holds no partition of reply topic "${replyTopic}" in group "${groupId}": ${detail}. Every client instance in a reply group needs its own partition: give "${replyTopic}" at least as many partitions as instances, or a distinct consumer.groupId per instance`,
      true,
    );
  }
}
