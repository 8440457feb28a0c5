import { isUtf8 } from 'node:buffer';
import type { RecordHeaderValue } from './kafka-record.js';
import type { ReplyConvention } from './reply-convention.js';

/** The first value of a header that may repeat, as bytes; undefined when absent or empty. */
function firstBytes(value: RecordHeaderValue): Buffer | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  const bytes = Buffer.isBuffer(first) ? first : Buffer.from(first);
  return bytes.length > 0 ? bytes : undefined;
}

/**
 * A request's correlation id, as the bytes it arrived with: a reply must carry them back unchanged.
 * Nest's clients send ASCII text; Spring's ReplyingKafkaTemplate sends 16 raw UUID bytes and matches
 * replies on exactly those, which a round trip through text would mangle.
 */
export function correlationIdBytes(value: RecordHeaderValue): Buffer | undefined {
  return firstBytes(value);
}

/** A header for logs (a correlation id, a reply partition): its text when printable UTF-8, else its bytes in hex. */
export function printableHeader(value: RecordHeaderValue): string {
  const bytes = firstBytes(value);
  if (bytes === undefined) return '(empty)';
  const text = isUtf8(bytes) ? bytes.toString() : undefined;
  // eslint-disable-next-line no-control-regex
  return text !== undefined && !/[\u0000-\u001f\u007f\ufffd]/.test(text) ? text : `0x${bytes.toString('hex')}`;
}

const DECIMAL = /^\d+$/;
const INT32_BYTES = 4;

/**
 * The partition a caller wants its reply on: Nest writes it as decimal text ("1"), Spring as a
 * 4-byte big-endian int (00 00 00 01). Four ASCII digits read as text: as an int they would name a
 * partition beyond any topic's. Undefined when the header is absent; `invalid` when it is neither.
 */
export function replyPartitionOf(value: RecordHeaderValue): number | 'invalid' | undefined {
  const bytes = firstBytes(value);
  if (bytes === undefined) return undefined;
  const text = bytes.toString('latin1');
  if (DECIMAL.test(text)) {
    const partition = Number(text);
    return Number.isSafeInteger(partition) ? partition : 'invalid';
  }
  if (bytes.length === INT32_BYTES) {
    const partition = bytes.readInt32BE(0);
    return partition >= 0 ? partition : 'invalid';
  }
  return 'invalid';
}

/**
 * The `kafka_replyPartition` header a callee of that convention reads: Nest parses decimal text (and
 * drops a request it cannot parse); Spring reads a 4-byte big-endian int (and never answers one it
 * cannot read).
 */
export function replyPartitionHeader(partition: number, convention: ReplyConvention): Buffer | string {
  if (convention === 'nest') return String(partition);
  const bytes = Buffer.alloc(INT32_BYTES);
  bytes.writeInt32BE(partition);
  return bytes;
}
