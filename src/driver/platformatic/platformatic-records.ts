import type { Message, MessageToProduce } from '@platformatic/kafka';
import type { ConsumedRecord, RecordHeaders } from '../../codec/kafka-record.js';
import type { OutgoingKafkaMessage } from '../../codec/outgoing-message.js';

const toBuffer = (value: Buffer | string): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(value));

/**
 * A transport record as platformatic takes it: bytes everywhere (no serializers configured), headers
 * as a Map keyed by distinct Buffers so that a header with several values keeps all of them.
 */
export function toPlatformaticMessage(topic: string, record: OutgoingKafkaMessage, partition: number): MessageToProduce {
  const headers = new Map<Buffer, Buffer>();
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.set(Buffer.from(name), toBuffer(one));
  }
  return {
    topic,
    partition,
    key: record.key === null || record.key === undefined ? undefined : toBuffer(record.key),
    value: record.value === null ? undefined : toBuffer(record.value),
    headers,
    ...(record.timestamp !== undefined ? { timestamp: BigInt(record.timestamp) } : {}),
  };
}

/** A platformatic message as the transport's record: offsets and timestamps as decimal text, as kafkajs gives them. */
export function toConsumedRecord(message: Message): ConsumedRecord {
  const headers: RecordHeaders = {};
  for (const [name, value] of message.headerEntries) {
    const key = name.toString();
    const previous = headers[key];
    headers[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset.toString(),
    timestamp: message.timestamp.toString(),
    key: message.key ?? null,
    value: message.value ?? null,
    headers,
  };
}
