import type { RecordHeaders } from './kafka-record.js';
import { encodeValue } from './payload.js';

/** The record a serializer hands to the producer, with headers always present. */
export interface OutgoingKafkaMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers: RecordHeaders;
  partition?: number;
  timestamp?: string;
}

/**
 * True for `{ key, value, headers?, partition? }` envelopes: an object with a `key` or a `value`
 * property, the rule Nest uses (so a payload with its own `value` field is read as an envelope there
 * too).
 */
export function isEnvelope(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && ('key' in value || 'value' in value);
}

/**
 * A payload or envelope to a producer record. Unlike Nest, the caller's object is copied, never
 * changed: the same object can be sent twice, or logged after sending, as it was.
 */
export function toOutgoingMessage(payload: unknown): OutgoingKafkaMessage {
  if (!isEnvelope(payload)) return { value: encodeValue(payload), headers: {} };
  const envelope: Record<string, unknown> = { ...payload };
  const message = { ...envelope, value: encodeValue(envelope.value) } as OutgoingKafkaMessage;
  if (envelope.key !== null && envelope.key !== undefined) message.key = encodeValue(envelope.key);
  message.headers = { ...((envelope.headers as RecordHeaders | undefined) ?? {}) };
  return message;
}
