import { isUtf8 } from 'node:buffer';

/** A value as kafkajs hands it over: bytes, or already a string; headers may repeat (arrays). */
export type WireValue = Buffer | string | null | undefined | (Buffer | string)[];

/** Decoded value: JSON for objects and arrays, a string for other text, a Buffer for binary. */
export type DecodedValue = unknown;

const SCHEMA_MAGIC_BYTE = 0x00;

/**
 * Bytes to a value, by Nest's rules (so handlers see what they saw on the built-in transport):
 * - nil becomes `null`;
 * - a Buffer starting with 0x00 (schema-registry framing) stays a Buffer;
 * - text that starts with `{` or `[` is JSON-parsed, and kept as text when it is not JSON;
 * - any other text stays a string (`"15"` stays `"15"`).
 * One deliberate difference: bytes that are not valid UTF-8 stay a Buffer, where Nest would hand
 * over a string with replacement characters and lose the original bytes.
 */
export function decodeValue(value: WireValue): DecodedValue {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) {
    if (value.length > 0 && value[0] === SCHEMA_MAGIC_BYTE) return value;
    if (!isUtf8(value)) return value;
  }
  const text = value.toString();
  const first = text.charAt(0);
  if (first === '{' || first === '[') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === null || prototype === Object.prototype;
}

/**
 * A value to bytes, by Nest's rules: strings and Buffers pass through; `undefined` and `null` become
 * `null`; plain objects, arrays and objects without their own `toString` become JSON; anything else
 * uses its own `toString()` (15 becomes "15", a Date its `toString()` text).
 */
export function encodeValue(value: unknown): Buffer | string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  if (typeof value === 'object') {
    const ownToString = (value as { toString?: unknown }).toString;
    if (isPlainObject(value) || Array.isArray(value) || ownToString === Object.prototype.toString) {
      return JSON.stringify(value);
    }
  }
  return String(value);
}
