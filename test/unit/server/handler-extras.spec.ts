import { checkHandlerExtras } from '../../../src/server/handler-extras.js';

const handler = (isEventHandler: boolean, extras: Record<string, unknown>, next?: unknown) => Object.assign(async () => undefined, { isEventHandler, extras, next });

describe('checkHandlerExtras', () => {
  it("accepts what the transport reads: handlerTimeout on both kinds, eventRetry on events", () => {
    expect(() => checkHandlerExtras('orders', handler(true, { eventRetry: { attempts: 2 }, handlerTimeout: 5000 }))).not.toThrow();
    expect(() => checkHandlerExtras('prices', handler(false, { handlerTimeout: false }))).not.toThrow();
    expect(() => checkHandlerExtras('prices', handler(false, {}))).not.toThrow();
  });

  it('names a misspelt key, its handler and the nearest known key', () => {
    expect(() => checkHandlerExtras('orders', handler(true, { eventRetyr: {} }))).toThrow(
      expect.objectContaining({ option: "@EventPattern('orders') extras.eventRetyr", message: expect.stringContaining('Did you mean "@EventPattern(\'orders\') extras.eventRetry"?') }),
    );
    expect(() => checkHandlerExtras(/^audit\./, handler(false, { retries: 4 }))).toThrow('The options of @MessagePattern(/^audit\\./) extras are: handlerTimeout, concurrency, ordering');
  });

  it('refuses eventRetry on a request handler, which is answered with its error instead', () => {
    expect(() => checkHandlerExtras('prices', handler(false, { eventRetry: { attempts: 3 } }))).toThrow('event retries apply to @EventPattern handlers');
  });

  it('checks every handler Nest chained on one event pattern', () => {
    expect(() => checkHandlerExtras('orders', handler(true, {}, handler(true, { handlerTimeuot: 1 })))).toThrow('extras.handlerTimeuot');
  });
});
