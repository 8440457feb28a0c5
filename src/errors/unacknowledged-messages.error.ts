import { KafkaTransportError } from './kafka-transport.error.js';

/**
 * A send resolved without the broker's acknowledgement for some of its partitions, and sending those
 * messages again did not get one either. The messages may not be stored: the caller decides.
 */
export class UnacknowledgedMessagesError extends KafkaTransportError {
  constructor(
    readonly topic: string,
    readonly partitions: number[],
    readonly messageCount: number,
    cause?: unknown,
  ) {
    super(
      'KAFKA_UNACKNOWLEDGED_MESSAGES',
      `${messageCount} message(s) to "${topic}" partition(s) ${partitions.join(', ')} got no acknowledgement from the broker after repeated sends; they may not be stored. Check the partitions' leaders and in-sync replicas (min.insync.replicas), then send again`,
      true,
      cause === undefined ? undefined : { cause },
    );
  }
}
