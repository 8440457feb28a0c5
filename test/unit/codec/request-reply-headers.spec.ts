import { randomBytes } from 'node:crypto';
import { addReplyHeaders } from '../../../src/codec/reply.codec.js';
import { correlationIdBytes, printableHeader, replyPartitionHeader, replyPartitionOf } from '../../../src/codec/request-reply-headers.js';

describe('the correlation id of a request', () => {
  it("comes back byte for byte, also as Spring's 16 raw UUID bytes that are not UTF-8", () => {
    // Starts with 0x00 and holds bytes no UTF-8 text can: both were mangled by a round trip through text.
    const springId = Buffer.concat([Buffer.from([0x00, 0xc3, 0x28, 0xff]), randomBytes(12)]);
    const id = correlationIdBytes(springId)!;
    const reply = addReplyHeaders({ value: 'ok', headers: {} }, { correlationId: id });
    expect(Buffer.compare(reply.headers.kafka_correlationId as Buffer, springId)).toBe(0);
  });

  it("keeps Nest's text ids as they were, and reads the first of repeated headers", () => {
    expect(correlationIdBytes(Buffer.from('f3b1c0a2-id'))?.toString()).toBe('f3b1c0a2-id');
    expect(correlationIdBytes('text-id')?.toString()).toBe('text-id');
    expect(correlationIdBytes([Buffer.from('first'), Buffer.from('second')])?.toString()).toBe('first');
  });

  it('is absent when the header is missing or empty', () => {
    expect(correlationIdBytes(undefined)).toBeUndefined();
    expect(correlationIdBytes(Buffer.alloc(0))).toBeUndefined();
    expect(correlationIdBytes([])).toBeUndefined();
  });

  it('shows in logs as its text when printable, else as hex', () => {
    expect(printableHeader(Buffer.from('abc-123'))).toBe('abc-123');
    expect(printableHeader(Buffer.from([0x00, 0x01, 0xfe]))).toBe('0x0001fe');
    expect(printableHeader(Buffer.from([0xc3, 0x28]))).toBe('0xc328');
  });
});

describe('the reply partition a request names', () => {
  it("reads Nest's decimal text", () => {
    expect(replyPartitionOf(Buffer.from('0'))).toBe(0);
    expect(replyPartitionOf(Buffer.from('12'))).toBe(12);
    expect(replyPartitionOf('3')).toBe(3);
  });

  it("reads Spring's 4-byte big-endian int", () => {
    expect(replyPartitionOf(Buffer.from([0, 0, 0, 1]))).toBe(1);
    expect(replyPartitionOf(Buffer.from([0, 0, 1, 0]))).toBe(256);
  });

  it('reads four ASCII digits as text: as an int they would name a partition no topic has', () => {
    expect(replyPartitionOf(Buffer.from('1234'))).toBe(1234);
  });

  it('is invalid when it is neither, and absent when missing', () => {
    expect(replyPartitionOf(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toBe('invalid');
    expect(replyPartitionOf(Buffer.from('one'))).toBe('invalid');
    expect(replyPartitionOf(Buffer.from('-1'))).toBe('invalid');
    expect(replyPartitionOf(undefined)).toBeUndefined();
  });
});

describe('replyPartitionHeader', () => {
  it('writes decimal text for Nest and a 4-byte big-endian int for Spring', () => {
    expect(replyPartitionHeader(12, 'nest')).toBe('12');
    expect(replyPartitionHeader(12, 'spring')).toEqual(Buffer.from([0, 0, 0, 12]));
  });
});
