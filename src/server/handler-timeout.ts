import { InvalidOptionError } from '../errors/invalid-option.error.js';

/**
 * Default `handlerTimeout`. Both drivers heartbeat while a handler runs, so the session never runs
 * out under it; but in a rebalance the group waits only `consumer.rebalanceTimeout` (60 s by
 * default) for a member to rejoin, which it does once its record is done: the bound stays below it.
 */
export const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;

/** Milliseconds a handler may run, or undefined for no bound (`false`). `base` applies when `value` is absent. */
export function resolveHandlerTimeout(value: unknown, base: number | undefined, option: string): number | undefined {
  if (value === undefined) return base;
  if (value === false) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidOptionError(option, `expected a whole number of milliseconds of at least 1, or false, got ${typeof value} ${String(value)}`, 'For example: { handlerTimeout: 10000 }, or { handlerTimeout: false } to wait for the handler however long it takes');
  }
  return value;
}

type HandlerWithExtras = object & { extras?: Record<string, unknown> };

/** Each handler's bound: its own `handlerTimeout` extra over the server's; checked once per handler. */
export class HandlerTimeouts {
  private readonly resolved = new WeakMap<HandlerWithExtras, { ms: number | undefined }>();

  constructor(private readonly serverDefault: number | undefined) {}

  of(handler: HandlerWithExtras, pattern: string): number | undefined {
    let entry = this.resolved.get(handler);
    if (!entry) {
      entry = { ms: resolveHandlerTimeout(handler.extras?.handlerTimeout, this.serverDefault, `handlerTimeout of the handler for '${pattern}'`) };
      this.resolved.set(handler, entry);
    }
    return entry.ms;
  }
}
