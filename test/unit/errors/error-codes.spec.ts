import { readFileSync } from 'node:fs';
import * as transport from '../../../src/index.js';
import { hasErrorCode, KAFKA_ERROR_CODES } from '../../../src/errors/error-codes.js';

// Codes that mark a message held back inside the transport; no caller ever receives them.
const INTERNAL = ['KAFKA_SERVER_CLOSING'];

describe('the error codes', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const documented = [...readme.matchAll(/^\| `(KAFKA_[A-Z_]+)` \| `(\w+)` \|/gm)].map(([, code, name]) => ({ code, name }));

  it("are each documented in the README's table, with the class that carries them, and nothing else is", () => {
    expect(documented.map(({ code }) => code).sort()).toEqual(KAFKA_ERROR_CODES.filter((code) => !INTERNAL.includes(code)).sort());
  });

  it('belong to the exported classes the table names', () => {
    const exported = transport as unknown as Record<string, unknown>;
    for (const { name } of documented) {
      expect(typeof exported[name]).toBe('function');
      expect((exported[name] as { prototype: unknown }).prototype).toBeInstanceOf(transport.KafkaTransportError);
    }
  });

  it('are recognised on any object that carries them, such as an error from another copy of the package', () => {
    expect(hasErrorCode({ code: 'KAFKA_SERVER_CLOSING' }, 'KAFKA_SERVER_CLOSING')).toBe(true);
    expect(hasErrorCode(new transport.ClientClosedError(), 'KAFKA_CLIENT_CLOSED')).toBe(true);
    expect(hasErrorCode(new Error('plain'), 'KAFKA_CLIENT_CLOSED')).toBe(false);
    expect(hasErrorCode(undefined, 'KAFKA_CLIENT_CLOSED')).toBe(false);
  });
});
