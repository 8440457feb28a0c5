import type { KafkaMessage } from 'kafkajs';
import type { ConsumedRecord } from '../../codec/kafka-record.js';

/** A kafkajs message as the transport's record; bytes are shared, not copied. */
export function toConsumedRecord(message: KafkaMessage, topic: string, partition: number): ConsumedRecord {
  // Field by field rather than a spread: one object shape for every record keeps this hot path fast.
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key ?? null,
    value: message.value ?? null,
    headers: message.headers ?? {},
    size: message.size,
    attributes: message.attributes,
  };
}
