import { KafkaTransportError } from './kafka-transport.error.js';

/** Messages named a partition their topic does not have; kafkajs would drop them without a word. */
export class PartitionOutOfRangeError extends KafkaTransportError {
  constructor(
    readonly topic: string,
    readonly partitions: number[],
    readonly partitionCount: number,
  ) {
    super(
      'KAFKA_PARTITION_OUT_OF_RANGE',
      `cannot send to "${topic}" partition(s) ${partitions.join(', ')}: the topic has ${partitionCount} partition(s), numbered 0 to ${partitionCount - 1}. Send to an existing partition (for a reply: the request's kafka_replyPartition header), or add partitions to the topic`,
    );
  }
}
