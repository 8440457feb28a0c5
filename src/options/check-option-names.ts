import { InvalidOptionError } from '../errors/invalid-option.error.js';
import { SECTION_OPTIONS, TOP_LEVEL_OPTIONS } from './known-options.js';
import { nearestName } from './nearest-name.js';

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Fails for the first key of `value` not in `known`, naming it as `path.key` with the nearest known name. */
export function checkKeys(path: string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const option = path ? `${path}.${key}` : key;
    const guess = nearestName(key, known);
    const where = path ? `${path} has no option "${key}"` : `there is no option "${key}"`;
    const fix = guess ? `Did you mean "${path ? `${path}.` : ''}${guess}"?` : `The options${path ? ` of ${path}` : ''} are: ${known.join(', ')}`;
    throw new InvalidOptionError(option, where, fix);
  }
}

/**
 * Fails for a key that no section of the options knows. TypeScript does not catch a typo once its
 * object has another valid key, nor through `ClientsModule.register`, and a misspelt `groupId`
 * quietly joins the default group, so names are checked at run time.
 */
export function checkOptionNames(options: Record<string, unknown>): void {
  checkKeys('', options, TOP_LEVEL_OPTIONS);
  for (const [path, known] of Object.entries(SECTION_OPTIONS)) {
    const value = path.split('.').reduce<unknown>((parent, key) => (isPlainObject(parent) ? parent[key] : undefined), options);
    if (isPlainObject(value)) checkKeys(path, value, known);
  }
}
