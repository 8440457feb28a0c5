import type { BatchShape } from '../driver/kafka-driver.interface.js';
import { InvalidOptionError } from '../errors/invalid-option.error.js';
import { checkKeys } from '../options/check-option-names.js';

/** `batch: true`: up to 100 records of a partition, gathered for at most 50 ms. */
export const DEFAULT_BATCH: BatchShape = Object.freeze({ maxRecords: 100, maxWaitMs: 50 });

const describe = (value: unknown) => (typeof value === 'string' ? `"${value}"` : `${typeof value} ${String(value)}`);

/** A handler's `batch` extra (`true`, or `{ maxRecords, maxWaitMs }`), or undefined when it takes one record at a time. */
export function resolveBatch(value: unknown, where: string): BatchShape | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return DEFAULT_BATCH;
  if (typeof value !== 'object' || value === null) {
    throw new InvalidOptionError(where, `expected true or { maxRecords, maxWaitMs }, got ${describe(value)}`, 'For example: { batch: { maxRecords: 100, maxWaitMs: 50 } }');
  }
  checkKeys(where, value as Record<string, unknown>, ['maxRecords', 'maxWaitMs']);
  const { maxRecords = DEFAULT_BATCH.maxRecords, maxWaitMs = DEFAULT_BATCH.maxWaitMs } = value as Partial<Record<keyof BatchShape, unknown>>;
  if (typeof maxRecords !== 'number' || !Number.isInteger(maxRecords) || maxRecords < 1) {
    throw new InvalidOptionError(`${where}.maxRecords`, `expected a whole number of at least 1, got ${describe(maxRecords)}`, 'For example: { batch: { maxRecords: 100 } }');
  }
  if (typeof maxWaitMs !== 'number' || !Number.isInteger(maxWaitMs) || maxWaitMs < 0) {
    throw new InvalidOptionError(`${where}.maxWaitMs`, `expected a whole number of milliseconds, 0 or more, got ${describe(maxWaitMs)}`, 'For example: { batch: { maxWaitMs: 50 } }');
  }
  return Object.freeze({ maxRecords, maxWaitMs });
}
