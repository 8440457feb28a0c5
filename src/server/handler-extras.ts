import { InvalidOptionError } from '../errors/invalid-option.error.js';
import { checkKeys } from '../options/check-option-names.js';

// What a handler's extras (`@EventPattern('orders', { ... })`) may set, by kind of handler.
const EVENT_EXTRAS = ['eventRetry', 'handlerTimeout', 'concurrency', 'ordering', 'batch'] as const;
const REQUEST_EXTRAS = ['handlerTimeout', 'concurrency', 'ordering'] as const;

// The fields Nest's addHandler sets on a handler.
interface Handler {
  isEventHandler?: boolean;
  extras?: Record<string, unknown>;
  next?: unknown;
}

/**
 * Fails listen() for a key of a handler's extras that nothing reads: Nest keeps any object there,
 * and a misspelt `handlerTimeout` would otherwise leave the handler on the server's default.
 * Every handler of an event pattern is checked (Nest chains them).
 */
export function checkHandlerExtras(pattern: string | RegExp, head: Handler): void {
  for (let handler: Handler | undefined = head; handler; handler = handler.next as Handler | undefined) {
    const extras = handler.extras ?? {};
    const decorator = `@${handler.isEventHandler ? 'EventPattern' : 'MessagePattern'}(${typeof pattern === 'string' ? `'${pattern}'` : String(pattern)})`;
    if (!handler.isEventHandler && 'eventRetry' in extras) {
      throw new InvalidOptionError(`${decorator} extras.eventRetry`, 'event retries apply to @EventPattern handlers; a request is answered with its error and not retried', 'Remove eventRetry from the @MessagePattern extras');
    }
    if (!handler.isEventHandler && 'batch' in extras) {
      throw new InvalidOptionError(`${decorator} extras.batch`, 'batches apply to @EventPattern handlers; each request is answered on its own', 'Remove batch from the @MessagePattern extras, or make the handler an @EventPattern');
    }
    checkKeys(`${decorator} extras`, extras, handler.isEventHandler ? EVENT_EXTRAS : REQUEST_EXTRAS);
  }
}
