import { REPLY_CONVENTIONS, type ReplyConvention } from '../codec/reply-convention.js';
import { InvalidOptionError } from '../errors/invalid-option.error.js';

const OPTION = 'replyConvention';
const EXAMPLE = "For example: { replyConvention: 'spring' }, or per pattern { replyConvention: { 'prices.quote': 'spring' } }";

const shown = (value: unknown) => JSON.stringify(value) ?? String(value);

/** One convention, checked: `option` names where it came from in the error. */
export function checkConvention(value: unknown, option: string): ReplyConvention {
  if (!REPLY_CONVENTIONS.includes(value as ReplyConvention)) throw new InvalidOptionError(option, `expected 'nest' or 'spring', got ${shown(value)}`, EXAMPLE);
  return value as ReplyConvention;
}

/** Checks the client's `replyConvention` at construction and returns the lookup by pattern. */
export function replyConventions(option: unknown): (pattern: string) => ReplyConvention {
  if (option === undefined) return () => 'nest';
  if (typeof option === 'string') {
    const convention = checkConvention(option, OPTION);
    return () => convention;
  }
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    throw new InvalidOptionError(OPTION, `expected 'nest', 'spring' or an object of pattern to convention, got ${shown(option)}`, EXAMPLE);
  }
  const byPattern = new Map<string, ReplyConvention>();
  for (const [pattern, convention] of Object.entries(option)) byPattern.set(pattern, checkConvention(convention, `${OPTION}['${pattern}']`));
  return (pattern) => byPattern.get(pattern) ?? 'nest';
}
