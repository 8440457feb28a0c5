import { InvalidOptionError } from '../../../src/errors/invalid-option.error.js';
import { checkConvention, replyConventions } from '../../../src/options/reply-conventions.js';

describe('replyConventions', () => {
  it("is Nest's for every pattern by default", () => {
    expect(replyConventions(undefined)('orders')).toBe('nest');
  });

  it('applies one convention to every pattern, or one per named pattern', () => {
    expect(replyConventions('spring')('orders')).toBe('spring');
    const perPattern = replyConventions({ 'prices.quote': 'spring', orders: 'nest' });
    expect([perPattern('prices.quote'), perPattern('orders'), perPattern('other')]).toEqual(['spring', 'nest', 'nest']);
  });

  it('refuses anything else at construction, naming the option and the pattern', () => {
    expect(() => replyConventions('java')).toThrow(InvalidOptionError);
    expect(() => replyConventions('java')).toThrow(/"replyConvention": expected 'nest' or 'spring', got "java"/);
    expect(() => replyConventions({ 'prices.quote': 'Spring' })).toThrow(/"replyConvention\['prices.quote'\]"/);
    expect(() => replyConventions(['spring'])).toThrow(/an object of pattern to convention, got \["spring"\]/);
    expect(() => checkConvention(1, 'send(..., { replyConvention })')).toThrow(/"send\(\.\.\., \{ replyConvention \}\)"/);
  });
});
