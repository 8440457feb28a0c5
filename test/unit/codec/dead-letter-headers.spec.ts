import type { ConsumedRecord } from '../../../src/codec/kafka-record.js';
import { deadLetterMessage, describeError } from '../../../src/codec/dead-letter-headers.js';
import { HandlerTimeoutError } from '../../../src/errors/handler-timeout.error.js';

const original: ConsumedRecord = { topic: 'orders', partition: 2, key: Buffer.from('k'), value: Buffer.from('{"id":1}'), headers: { tenant: 'acme' }, offset: '4', timestamp: '1700000000000', attributes: 0 };
const facts = { topic: 'orders', partition: 2, groupId: 'billing', attempts: 3 };

describe('dead letters', () => {
  it('carries the message of Nest\'s { status, message } error payload, not its JSON', () => {
    expect(describeError({ status: 'error', message: 'card declined' })).toBe('card declined');
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError({ reason: 'other' })).toBe('{"reason":"other"}');
  });

  it('names the error class in kafka_dlt-exception-fqcn, as Spring does, when the error is one', () => {
    const dead = deadLetterMessage(original, { ...facts, error: new HandlerTimeoutError('orders', 500) });
    expect(String(dead.headers['kafka_dlt-exception-fqcn'])).toBe('HandlerTimeoutError');
    expect(String(dead.headers['kafka_dlt-exception-message'])).toContain('did not finish within 500 ms');
    expect(deadLetterMessage(original, { ...facts, error: { status: 'error', message: 'x' } }).headers['kafka_dlt-exception-fqcn']).toBeUndefined();
  });

  it('keeps the original key, value and headers and says where the message came from', () => {
    const dead = deadLetterMessage(original, { ...facts, error: 'no' });
    expect(dead.key).toBe(original.key);
    expect(dead.value).toBe(original.value);
    expect(dead.headers).toMatchObject({ tenant: 'acme', 'kafka_dlt-original-topic': 'orders', 'kafka_dlt-original-partition': '2', 'kafka_dlt-original-offset': '4', 'kafka_dlt-original-consumer-group': 'billing', 'kafka_dlt-attempts': '3' });
  });
});
