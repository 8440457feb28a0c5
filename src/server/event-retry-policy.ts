import { InvalidOptionError } from '../errors/invalid-option.error.js';
import type { EventRetryOptions } from '../options/kafka-options.interface.js';

/** A checked retry policy; `deadLetterSuffix` undefined means: skip after the last try. */
export interface EventRetryPolicy {
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  deadLetterSuffix?: string;
}

export const DEFAULT_EVENT_RETRY: EventRetryPolicy = { attempts: 3, backoffMs: 200, maxBackoffMs: 5000, deadLetterSuffix: '.dlq' };

function checkCount(option: string, value: unknown, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < min)) {
    throw new InvalidOptionError(option, `expected a whole number of at least ${min}, got ${String(value)}`, `For example: { ${option.split('.').pop()}: ${Math.max(min, 3)} }`);
  }
}

/** Layers `options` (server-wide, then a handler's own) over `base`, checking each field. */
export function resolveEventRetry(base: EventRetryPolicy, options: EventRetryOptions | undefined, where: string): EventRetryPolicy {
  if (options === undefined) return base;
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(where, `expected an object, got ${String(options)}`, `For example: { attempts: 5, backoffMs: 500, deadLetter: { suffix: '.dlq' } }`);
  }
  checkCount(`${where}.attempts`, options.attempts, 1);
  checkCount(`${where}.backoffMs`, options.backoffMs, 0);
  checkCount(`${where}.maxBackoffMs`, options.maxBackoffMs, 0);
  const deadLetter = options.deadLetter;
  if (deadLetter !== undefined && deadLetter !== false && (typeof deadLetter !== 'object' || deadLetter === null || (deadLetter.suffix !== undefined && (typeof deadLetter.suffix !== 'string' || deadLetter.suffix === '')))) {
    throw new InvalidOptionError(`${where}.deadLetter`, `expected { suffix: '<non-empty text>' } or false, got ${JSON.stringify(deadLetter)}`, "Use { deadLetter: { suffix: '.dlq' } }, or deadLetter: false to skip failed events");
  }
  return {
    attempts: options.attempts ?? base.attempts,
    backoffMs: options.backoffMs ?? base.backoffMs,
    maxBackoffMs: options.maxBackoffMs ?? base.maxBackoffMs,
    deadLetterSuffix: deadLetter === undefined ? base.deadLetterSuffix : deadLetter === false ? undefined : (deadLetter.suffix ?? DEFAULT_EVENT_RETRY.deadLetterSuffix),
  };
}

/** The wait before try number `attempt + 1`: exponential, capped. */
export function backoffBefore(policy: EventRetryPolicy, attempt: number): number {
  return Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
}
