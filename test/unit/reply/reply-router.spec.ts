import { ReplyRouter, type ReplyCallbackPacket } from '../../../src/reply/reply-router.js';

const request = (callback: (packet: ReplyCallbackPacket) => void, replyPartition = 0) => ({ pattern: 'p', replyTopic: 'p.reply', replyPartition, callback });

describe('ReplyRouter', () => {
  it('passes values on and retires the request with the last one', () => {
    const router = new ReplyRouter();
    const seen: ReplyCallbackPacket[] = [];
    router.register('1', request((packet) => seen.push(packet)), 10_000, () => 'timeout');
    router.deliver({ id: '1', response: 'a', isDisposed: false });
    router.deliver({ id: '1', response: 'b', isDisposed: true });
    router.deliver({ id: '1', response: 'late', isDisposed: true });
    expect(seen).toEqual([{ response: 'a', isDisposed: false }, { response: 'b', isDisposed: true }]);
    expect(router.size).toBe(0);
    expect(router.unknownReplies).toBe(1);
  });

  it('retires a request on its first reply when its callee answers once (a Spring listener)', () => {
    const router = new ReplyRouter();
    const seen: ReplyCallbackPacket[] = [];
    router.register('1', { ...request((packet) => seen.push(packet)), endsOnFirstReply: true }, 10_000, () => 'timeout');
    router.deliver({ id: '1', response: 'only', isDisposed: false });
    expect(seen).toEqual([{ response: 'only', isDisposed: true }]);
    expect(router.size).toBe(0);
  });

  it('fails a request with the timeout error when no reply ends it in time', async () => {
    const router = new ReplyRouter();
    const failed = new Promise<ReplyCallbackPacket>((resolve) => router.register('1', request(resolve), 20, () => new Error('too slow')));
    await expect(failed).resolves.toEqual({ err: new Error('too slow'), isDisposed: true });
    expect(router.size).toBe(0);
  });

  it('fails the matching requests, even when one of their callbacks throws', () => {
    const router = new ReplyRouter();
    const failed: string[] = [];
    router.register('1', request(() => { throw new Error('callback bug'); }, 0), 10_000, () => 'timeout');
    router.register('2', request(() => failed.push('2'), 0), 10_000, () => 'timeout');
    router.register('3', request(() => failed.push('3'), 1), 10_000, () => 'timeout');
    expect(router.failWhere((r) => r.replyPartition === 0, () => 'moved')).toBe(2);
    expect(failed).toEqual(['2']);
    expect(router.size).toBe(1);
  });
});
