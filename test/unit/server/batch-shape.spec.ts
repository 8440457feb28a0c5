import { InvalidOptionError } from '../../../src/errors/invalid-option.error.js';
import { DEFAULT_BATCH, resolveBatch } from '../../../src/server/batch-shape.js';

const where = "@EventPattern('orders') extras.batch";

describe('resolveBatch', () => {
  it('takes one record at a time without batch, and the defaults with batch: true', () => {
    expect(resolveBatch(undefined, where)).toBeUndefined();
    expect(resolveBatch(false, where)).toBeUndefined();
    expect(resolveBatch(true, where)).toEqual(DEFAULT_BATCH);
    expect(resolveBatch({ maxRecords: 500 }, where)).toEqual({ maxRecords: 500, maxWaitMs: DEFAULT_BATCH.maxWaitMs });
    expect(resolveBatch({ maxRecords: 10, maxWaitMs: 0 }, where)).toEqual({ maxRecords: 10, maxWaitMs: 0 });
  });

  it.each([
    ['a number', 100, where],
    ['maxRecords 0', { maxRecords: 0 }, `${where}.maxRecords`],
    ['a negative wait', { maxWaitMs: -1 }, `${where}.maxWaitMs`],
    ['a misspelt key', { maxRecord: 10 }, `${where}.maxRecord`],
  ])('refuses %s, naming the option', (_case, value, option) => {
    const attempt = () => resolveBatch(value, where);
    expect(attempt).toThrow(InvalidOptionError);
    expect(attempt).toThrow(`"${option}"`);
  });
});
