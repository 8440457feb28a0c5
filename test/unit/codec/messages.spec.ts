import type { KafkaMessage } from 'kafkajs';
import { toConsumedRecord } from '../../../src/driver/kafkajs/consumed-record.js';
import type { ConsumedRecord } from '../../../src/codec/kafka-record.js';
import { parseIncomingMessage } from '../../../src/codec/incoming-message.js';
import { toOutgoingMessage } from '../../../src/codec/outgoing-message.js';
import { KafkaHeaders } from '../../../src/codec/kafka-headers.enum.js';
import { addReplyHeaders, KafkaResponseDeserializer } from '../../../src/codec/reply.codec.js';
import { KafkaRequestDeserializer } from '../../../src/codec/request.codec.js';

const record = (overrides: Partial<ConsumedRecord> = {}, topic = 'orders', partition = 0): ConsumedRecord =>
  ({ topic, partition, key: Buffer.from('k'), value: Buffer.from('{"n":1}'), headers: { trace: Buffer.from('t') }, offset: '7', timestamp: '1', attributes: 0, ...overrides }) as ConsumedRecord;

describe('parseIncomingMessage', () => {
  it('decodes key, value and headers without touching the record kafkajs may hand over again', () => {
    const original = record();
    const parsed = parseIncomingMessage({ ...original, partition: 2 }, false);
    expect(parsed).toMatchObject({ key: 'k', value: { n: 1 }, headers: { trace: 't' }, topic: 'orders', partition: 2, offset: '7' });
    expect(Buffer.isBuffer(original.value)).toBe(true);
    expect(Buffer.isBuffer(original.headers.trace)).toBe(true);
  });

  it('leaves the value as bytes with keepBinary, but still decodes headers', () => {
    const parsed = parseIncomingMessage(record(), true);
    expect(Buffer.isBuffer(parsed.value)).toBe(true);
    expect(parsed.headers.trace).toBe('t');
  });

  it('treats a kafkajs message without headers as one with none, and keeps a null key null', () => {
    const message = { key: null, value: Buffer.from('1'), offset: '3', timestamp: '1', attributes: 0 } as unknown as KafkaMessage;
    const parsed = parseIncomingMessage(toConsumedRecord(message, 'orders', 0), false);
    expect(parsed.headers).toEqual({});
    expect(parsed.key).toBeNull();
  });
});

describe('KafkaRequestDeserializer', () => {
  it('hands a tombstone handler the whole message, so its key stays reachable', () => {
    const parsed = parseIncomingMessage(record({ value: null }, 'users'), false);
    expect(new KafkaRequestDeserializer().deserialize(parsed, { channel: 'users' })).toEqual({ pattern: 'users', data: parsed });
  });
});

describe('toOutgoingMessage', () => {
  it('wraps a plain payload as the value and adds empty headers', () => {
    expect(toOutgoingMessage({ amount: 3 })).toEqual({ value: '{"amount":3}', headers: {} });
  });

  it('reads an object with key or value as an envelope and never changes the caller\'s object', () => {
    const envelope = { key: { id: 1 }, value: [1], headers: { a: 'b' }, partition: 2 };
    const snapshot = structuredClone(envelope);
    const message = toOutgoingMessage(envelope);
    expect(message).toEqual({ key: '{"id":1}', value: '[1]', headers: { a: 'b' }, partition: 2 });
    message.headers.added = 'x';
    expect(envelope).toEqual(snapshot);
  });
});

describe('reply headers', () => {
  const deserializer = new KafkaResponseDeserializer();
  const roundTrip = (markers: Parameters<typeof addReplyHeaders>[1], value: string | null = 'v') => {
    const message = addReplyHeaders({ value, headers: {} }, markers);
    const headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, v as Buffer]));
    return { message, packet: deserializer.deserialize(parseIncomingMessage(record({ value: value === null ? null : Buffer.from(value), headers }, 'x.reply'), false)) };
  };

  it('writes the end-of-stream marker as one zero byte, as Nest does', () => {
    const { message, packet } = roundTrip({ correlationId: 'id-1', isDisposed: true });
    expect(message.headers[KafkaHeaders.NEST_IS_DISPOSED]).toEqual(Buffer.alloc(1));
    expect(packet).toEqual({ id: 'id-1', response: 'v', isDisposed: true });
  });

  it('writes an object error as JSON and reads it back as an object that ends the stream', () => {
    const { message, packet } = roundTrip({ correlationId: 'id-2', err: { status: 'error', message: 'no' } }, null);
    expect(message.headers[KafkaHeaders.NEST_ERR]!.toString()).toBe('{"status":"error","message":"no"}');
    expect(packet).toEqual({ id: 'id-2', err: { status: 'error', message: 'no' }, isDisposed: true });
  });

  it('reads a value without markers as one more value of the stream', () => {
    expect(roundTrip({ correlationId: 'id-3' }).packet).toEqual({ id: 'id-3', response: 'v', isDisposed: false });
  });

  it("reads Spring's exception headers, as a Spring listener's error handler replies, as an error with the Java class", () => {
    const headers = {
      [KafkaHeaders.CORRELATION_ID]: Buffer.from('id-4'),
      [KafkaHeaders.SPRING_EXCEPTION_MESSAGE]: Buffer.from('no stock'),
      [KafkaHeaders.SPRING_EXCEPTION_FQCN]: Buffer.from('java.lang.IllegalStateException'),
    };
    const packet = deserializer.deserialize(parseIncomingMessage(record({ value: null, headers }, 'x.reply'), false));
    expect(packet).toEqual({ id: 'id-4', err: { status: 'error', message: 'no stock', exception: 'java.lang.IllegalStateException' }, isDisposed: true });
  });
});
