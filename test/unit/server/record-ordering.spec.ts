import { InvalidOptionError } from '../../../src/errors/invalid-option.error.js';
import { DEFAULT_ORDERING, HandlerOrderings, resolveOrdering } from '../../../src/server/record-ordering.js';

const at = (key: string) => key;

describe('resolveOrdering', () => {
  it('keeps a partition to one record at a time unless told otherwise', () => {
    expect(resolveOrdering({}, DEFAULT_ORDERING, at)).toEqual({ ordering: 'partition', concurrency: 1 });
  });

  it('orders by key once concurrency is above 1', () => {
    expect(resolveOrdering({ concurrency: 16 }, DEFAULT_ORDERING, at)).toEqual({ ordering: 'key', concurrency: 16 });
    expect(resolveOrdering({ concurrency: 4, ordering: 'key' }, DEFAULT_ORDERING, at)).toEqual({ ordering: 'key', concurrency: 4 });
  });

  it("lets a handler take the server's concurrency, or go back to one at a time with ordering: 'partition'", () => {
    const server = resolveOrdering({ concurrency: 8 }, DEFAULT_ORDERING, at);
    expect(resolveOrdering({}, server, at)).toEqual({ ordering: 'key', concurrency: 8 });
    expect(resolveOrdering({ ordering: 'partition' }, server, at)).toEqual({ ordering: 'partition', concurrency: 1 });
  });

  it.each([
    [{ concurrency: 0 }, 'concurrency', 'at least 1'],
    [{ concurrency: 2.5 }, 'concurrency', 'whole number'],
    [{ concurrency: '8' }, 'concurrency', '"8"'],
    [{ ordering: 'keys' }, 'ordering', "'partition' or 'key'"],
    [{ concurrency: 4, ordering: 'partition' }, 'concurrency', "ordering: 'key'"],
  ])('refuses %j, naming %s and the fix', (value, option, text) => {
    const attempt = () => resolveOrdering(value, DEFAULT_ORDERING, (key) => `@EventPattern('orders') extras.${key}`);
    expect(attempt).toThrow(InvalidOptionError);
    expect(attempt).toThrow(`@EventPattern('orders') extras.${option}`);
    expect(attempt).toThrow(text);
  });
});

describe('HandlerOrderings', () => {
  it("resolves a handler's extras over the server's once", () => {
    const orderings = new HandlerOrderings(resolveOrdering({ concurrency: 2 }, DEFAULT_ORDERING, at));
    const handler = { extras: { concurrency: 32 } };
    const first = orderings.of(handler, "@EventPattern('t')");
    expect(first).toEqual({ ordering: 'key', concurrency: 32 });
    expect(orderings.of(handler, "@EventPattern('t')")).toBe(first);
    expect(orderings.of({}, "@EventPattern('u')")).toEqual({ ordering: 'key', concurrency: 2 });
  });
});
