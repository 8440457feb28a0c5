import type { RecordOrdering } from '../driver/kafka-driver.interface.js';
import { InvalidOptionError } from '../errors/invalid-option.error.js';

/** Kafka's order, and today's: a partition's records one at a time, partitions side by side. */
export const DEFAULT_ORDERING: RecordOrdering = Object.freeze({ ordering: 'partition', concurrency: 1 });

const ORDERINGS = ['partition', 'key'] as const;

const describe = (value: unknown) => (typeof value === 'string' ? `"${value}"` : `${typeof value} ${String(value)}`);

/**
 * `concurrency` and `ordering` as a server sets them, or a handler over the server's (`base`):
 * `concurrency` records of one partition at once, and `ordering: 'key'` (the default once
 * concurrency is above 1) so that records of one key never overlap. `where` names the option.
 */
export function resolveOrdering(value: { concurrency?: unknown; ordering?: unknown }, base: RecordOrdering, where: (key: string) => string): RecordOrdering {
  const { concurrency, ordering } = value;
  if (concurrency !== undefined && (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1)) {
    throw new InvalidOptionError(where('concurrency'), `expected a whole number of at least 1, got ${describe(concurrency)}`, "For example: { concurrency: 16 } runs up to 16 records of a partition at once, never two of one key");
  }
  if (ordering !== undefined && !ORDERINGS.includes(ordering as RecordOrdering['ordering'])) {
    throw new InvalidOptionError(where('ordering'), `expected 'partition' or 'key', got ${describe(ordering)}`, "Use ordering: 'key' to keep each key's records in order while other keys run, or 'partition' for one record of a partition at a time");
  }
  const resolvedConcurrency = (concurrency as number | undefined) ?? (ordering === 'partition' ? 1 : base.concurrency);
  const resolvedOrdering = (ordering as RecordOrdering['ordering'] | undefined) ?? (resolvedConcurrency > 1 ? 'key' : base.ordering);
  if (resolvedOrdering === 'partition' && resolvedConcurrency > 1) {
    throw new InvalidOptionError(
      where('concurrency'),
      `${resolvedConcurrency} records of a partition at once cannot keep ordering: 'partition', which runs them one at a time`,
      "Use ordering: 'key' (records of one key stay in order), or leave concurrency at 1",
    );
  }
  return Object.freeze({ ordering: resolvedOrdering, concurrency: resolvedConcurrency });
}

type HandlerWithExtras = object & { extras?: Record<string, unknown> };

/** Each handler's ordering: its own `concurrency` and `ordering` extras over the server's; checked once per handler. */
export class HandlerOrderings {
  private readonly resolved = new WeakMap<HandlerWithExtras, RecordOrdering>();

  constructor(readonly serverDefault: RecordOrdering) {}

  of(handler: HandlerWithExtras, decorator: string): RecordOrdering {
    let ordering = this.resolved.get(handler);
    if (!ordering) {
      ordering = resolveOrdering(handler.extras ?? {}, this.serverDefault, (key) => `${decorator} extras.${key}`);
      this.resolved.set(handler, ordering);
    }
    return ordering;
  }
}
