import { InvalidOptionError } from '../../../src/errors/invalid-option.error.js';
import { HandlerTimeouts, resolveHandlerTimeout } from '../../../src/server/handler-timeout.js';

describe('handler timeouts', () => {
  it('takes a handler\'s own handlerTimeout over the server\'s, and false as no bound', () => {
    const timeouts = new HandlerTimeouts(30_000);
    expect(timeouts.of({}, 'a')).toBe(30_000);
    expect(timeouts.of({ extras: { handlerTimeout: 500 } }, 'b')).toBe(500);
    expect(timeouts.of({ extras: { handlerTimeout: false } }, 'c')).toBeUndefined();
    expect(resolveHandlerTimeout(false, 30_000, 'handlerTimeout')).toBeUndefined();
  });

  it('rejects a bound that is not a whole number of milliseconds, naming the handler', () => {
    expect(() => resolveHandlerTimeout(0, 1, 'handlerTimeout')).toThrow(InvalidOptionError);
    expect(() => resolveHandlerTimeout('5s', 1, 'handlerTimeout')).toThrow(/handlerTimeout.*string 5s/);
    expect(() => new HandlerTimeouts(1).of({ extras: { handlerTimeout: -1 } }, 'orders')).toThrow(/handler for 'orders'/);
  });
});
