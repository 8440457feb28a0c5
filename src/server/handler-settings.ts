import type { BatchShape, RecordOrdering } from '../driver/kafka-driver.interface.js';
import { InvalidOptionError } from '../errors/invalid-option.error.js';
import type { KafkaTransportOptions } from '../options/kafka-options.interface.js';
import { resolveBatch } from './batch-shape.js';
import { checkHandlerExtras } from './handler-extras.js';
import { DEFAULT_HANDLER_TIMEOUT_MS, HandlerTimeouts, resolveHandlerTimeout } from './handler-timeout.js';
import { DEFAULT_ORDERING, HandlerOrderings, resolveOrdering } from './record-ordering.js';

/** A handler as Nest registers it: the fields its extras and kind are read from. */
export type RegisteredHandler = object & { isEventHandler?: boolean; extras?: Record<string, unknown>; next?: unknown };

/** How a handler is written in the code, for errors about its extras. */
export const decoratorOf = (handler: RegisteredHandler, pattern: string | RegExp) =>
  `@${handler.isEventHandler ? 'EventPattern' : 'MessagePattern'}(${typeof pattern === 'string' ? `'${pattern}'` : String(pattern)})`;

/**
 * What each handler's extras set over the server's options (`handlerTimeout`, `concurrency`,
 * `ordering`, `batch`), resolved once per handler and checked at listen(): a bad value fails start-up,
 * not the first message.
 */
export class HandlerSettings {
  readonly timeouts: HandlerTimeouts;
  private readonly orderings: HandlerOrderings;
  private readonly batchShapes = new WeakMap<RegisteredHandler, BatchShape | undefined>();

  constructor(options: Readonly<KafkaTransportOptions>) {
    this.timeouts = new HandlerTimeouts(resolveHandlerTimeout(options.handlerTimeout, DEFAULT_HANDLER_TIMEOUT_MS, 'handlerTimeout'));
    this.orderings = new HandlerOrderings(resolveOrdering(options, DEFAULT_ORDERING, (key) => key));
  }

  /** Fails for a key nothing reads, or a bad timeout, ordering or batch. */
  check(pattern: string | RegExp, handler: RegisteredHandler): void {
    checkHandlerExtras(pattern, handler);
    this.timeouts.of(handler, String(pattern));
    const ordering = this.orderingOf(handler, pattern);
    if (this.batchOf(handler, pattern) && ordering.concurrency > 1) {
      throw new InvalidOptionError(`${decoratorOf(handler, pattern)} extras.concurrency`, 'a batch handler runs the batches of a partition one at a time, in offset order', 'Remove concurrency, or batch; more partitions run more batches at once');
    }
  }

  /** The handler's ordering; the server's for records no handler takes. */
  orderingOf(handler: RegisteredHandler | null, pattern: string | RegExp): RecordOrdering {
    return handler ? this.orderings.of(handler, decoratorOf(handler, pattern)) : this.orderings.serverDefault;
  }

  /** The handler's batches, or undefined when it takes one record at a time. */
  batchOf(handler: RegisteredHandler | null, pattern: string | RegExp): BatchShape | undefined {
    if (!handler) return undefined;
    if (!this.batchShapes.has(handler)) this.batchShapes.set(handler, resolveBatch(handler.extras?.batch, `${decoratorOf(handler, pattern)} extras.batch`));
    return this.batchShapes.get(handler);
  }
}
