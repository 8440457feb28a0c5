import { decodeValue, encodeValue } from '../../../src/codec/payload.js';

describe('decodeValue', () => {
  it.each([
    ['nil', null, null],
    ['undefined', undefined, null],
    ['a JSON object', Buffer.from('{"a":1}'), { a: 1 }],
    ['a JSON array', Buffer.from('[1,2]'), [1, 2]],
    ['text that only looks like JSON', Buffer.from('{not json'), '{not json'],
    ['a number, which stays text as on Nest', Buffer.from('15'), '15'],
    ['an empty buffer', Buffer.alloc(0), ''],
    ['a string', 'plain', 'plain'],
    ['repeated header values, joined as Nest joins them', [Buffer.from('a'), Buffer.from('b')], 'a,b'],
  ])('decodes %s', (_name, input, expected) => {
    expect(decodeValue(input)).toEqual(expected);
  });

  it('keeps schema-registry framing (leading 0x00) as the same bytes', () => {
    const framed = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x2a, 0x7b]);
    expect(decodeValue(framed)).toBe(framed);
  });

  it('keeps bytes that are not valid UTF-8 as a Buffer instead of mangling them', () => {
    const binary = Buffer.from([0xff, 0xfe, 0x7b, 0x80]);
    const decoded = decodeValue(binary);
    expect(Buffer.isBuffer(decoded)).toBe(true);
    expect([...(decoded as Buffer)]).toEqual([0xff, 0xfe, 0x7b, 0x80]);
  });
});

describe('encodeValue', () => {
  class Money {
    constructor(readonly amount: number) {}
  }
  class Tagged {
    toString() {
      return 'tagged!';
    }
  }

  it.each([
    ['a string, unchanged', 'text', 'text'],
    ['undefined, as null', undefined, null],
    ['null', null, null],
    ['a plain object, as JSON', { a: 1 }, '{"a":1}'],
    ['an array, as JSON', [1, 'b'], '[1,"b"]'],
    ['a number, as its decimal text', 15, '15'],
    ['a boolean', true, 'true'],
    ['a class instance without toString, as JSON', new Money(5), '{"amount":5}'],
    ['an object with its own toString, through it', new Tagged(), 'tagged!'],
    ['a Map, as Nest does', new Map([['a', 1]]), '{}'],
  ])('encodes %s', (_name, input, expected) => {
    expect(encodeValue(input)).toEqual(expected);
  });

  it('passes a Buffer through as the same object', () => {
    const bytes = Buffer.from([1, 2, 3]);
    expect(encodeValue(bytes)).toBe(bytes);
  });

  it('encodes a Date with Date.prototype.toString, as Nest does, not ISO', () => {
    const date = new Date(0);
    expect(encodeValue(date)).toBe(date.toString());
  });
});
