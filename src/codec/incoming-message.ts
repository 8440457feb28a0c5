import type { IHeaders, KafkaMessage } from 'kafkajs';
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
  magicByte?: number;
  isControlRecord?: boolean;
  batchContext?: unknown;
}

/**
 * Decodes a consumed record without touching the original, which kafkajs may hand over again on a
 * retry. Headers are always decoded, even with keepBinary, as Nest does.
 */
export function parseIncomingMessage(message: KafkaMessage, topic: string, partition: number, keepBinary: boolean): ParsedKafkaMessage {
  const headers: Record<string, unknown> = {};
  const rawHeaders: IHeaders = message.headers ?? {};
  for (const name of Object.keys(rawHeaders)) headers[name] = decodeValue(rawHeaders[name]);
  // Field by field rather than a spread: one object shape for every record keeps this hot path fast.
  const record = message as KafkaMessage & { magicByte?: number; isControlRecord?: boolean; batchContext?: unknown };
  return {
    magicByte: record.magicByte,
    attributes: record.attributes,
    timestamp: record.timestamp,
    offset: record.offset,
    size: record.size,
    isControlRecord: record.isControlRecord,
    batchContext: record.batchContext,
    key: message.key === null || message.key === undefined ? message.key : decodeValue(message.key),
    value: keepBinary ? message.value : decodeValue(message.value),
    headers,
    topic,
    partition,
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
