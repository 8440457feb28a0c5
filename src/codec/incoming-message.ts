import type { ConsumedRecord } from './kafka-record.js';
import { decodeValue } from './payload.js';

/** A consumed record with key, value (unless keepBinary) and headers decoded, as handlers see it. */
export interface ParsedKafkaMessage {
  key: unknown;
  value: unknown;
  headers: Record<string, unknown>;
  offset: string;
  timestamp: string;
  topic: string;
  partition: number;
  size?: number;
  attributes?: number;
}

/**
 * Decodes a consumed record without touching the original, which a driver may hand over again on a
 * redelivery. Headers are always decoded, even with keepBinary, as Nest does.
 */
export function parseIncomingMessage(record: ConsumedRecord, keepBinary: boolean): ParsedKafkaMessage {
  const headers: Record<string, unknown> = {};
  const rawHeaders = record.headers;
  for (const name of Object.keys(rawHeaders)) headers[name] = decodeValue(rawHeaders[name]);
  // Field by field rather than a spread: one object shape for every record keeps this hot path fast.
  return {
    attributes: record.attributes,
    timestamp: record.timestamp,
    offset: record.offset,
    size: record.size,
    key: record.key === null || record.key === undefined ? record.key : decodeValue(record.key),
    value: keepBinary ? record.value : decodeValue(record.value),
    headers,
    topic: record.topic,
    partition: record.partition,
  };
}

/** A header as text, or undefined when absent; decoded headers may be strings, JSON or Buffers. */
export function headerText(headers: Record<string, unknown>, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString();
  return JSON.stringify(value);
}
