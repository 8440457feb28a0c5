import { KafkaRetriableException } from '@nestjs/microservices';
import { from, interval, map, Observable, of, take, throwError, type Subscription } from 'rxjs';
import { publishReplyStream, type ReplyPacket } from '../../../src/server/reply-stream.js';

async function repliesOf(stream$: Observable<unknown>): Promise<ReplyPacket[]> {
  const sent: ReplyPacket[] = [];
  await publishReplyStream(stream$, async (packet) => void sent.push({ ...packet }), (error) => { throw error; }, () => () => undefined).sent;
  return sent;
}

// The message boundaries Nest's server produces (Server.send), which callers on either transport rely on.
describe('publishReplyStream', () => {
  it('sends a synchronous single value as one message that also ends the stream', async () => {
    await expect(repliesOf(of(15))).resolves.toEqual([{ response: 15, isDisposed: true }]);
  });

  it('marks only the last of several synchronous values as the end', async () => {
    await expect(repliesOf(from([1, 2, 3]))).resolves.toEqual([{ response: 1 }, { response: 2 }, { response: 3, isDisposed: true }]);
  });

  it('ends a stream that completes after its last value was sent with a separate empty end message', async () => {
    const later$ = new Observable<number>((subscriber) => {
      setTimeout(() => subscriber.next(1), 5);
      setTimeout(() => subscriber.complete(), 30);
    });
    await expect(repliesOf(later$)).resolves.toEqual([{ response: 1 }, { isDisposed: true }]);
  });

  it('merges the end into the last value when completion comes with it, as take(n) does', async () => {
    await expect(repliesOf(interval(5).pipe(take(2), map((n) => n + 1)))).resolves.toEqual([{ response: 1 }, { response: 2, isDisposed: true }]);
  });

  it('sends an error as one message that ends the stream', async () => {
    await expect(repliesOf(throwError(() => ({ status: 'error', message: 'no' })))).resolves.toEqual([{ err: { status: 'error', message: 'no' }, isDisposed: true }]);
  });

  it('sends nothing and rejects when KafkaRetriableException comes before the first value, so the request is consumed again', async () => {
    const sent: ReplyPacket[] = [];
    const retriable = new KafkaRetriableException('busy');
    const published = publishReplyStream(throwError(() => retriable), async (packet) => void sent.push(packet), () => undefined, () => () => undefined);
    await expect(published.handled).rejects.toBe(retriable);
    await published.sent;
    expect(sent).toEqual([]);
  });

  it('counts the request as handled at the first value, before its replies are produced', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const published = publishReplyStream(of('a'), () => gate, () => undefined, () => () => undefined);
    await published.handled;
    let sent = false;
    void published.sent.then(() => (sent = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toBe(false);
    release();
    await published.sent;
  });

  it('keeps sending the replies queued behind one that could not be produced', async () => {
    const sent: unknown[] = [];
    const failures: unknown[] = [];
    await publishReplyStream(
      from(['a', 'b']),
      async (packet) => {
        if (packet.response === 'a') throw new Error('produce failed');
        sent.push(packet.response);
      },
      (error) => failures.push(error),
      () => () => undefined,
    ).sent;
    expect(sent).toEqual(['b']);
    expect(failures).toHaveLength(1);
  });
});

describe('publishReplyStream abort', () => {
  it('ends a stream that has not ended with the given error and stops listening to the handler', async () => {
    const sent: ReplyPacket[] = [];
    let unsubscribed = false;
    const endless$ = new Observable<number>((subscriber) => {
      subscriber.next(1);
      return () => void (unsubscribed = true);
    });
    const published = publishReplyStream(endless$, async (packet) => void sent.push({ ...packet }), () => undefined, () => () => undefined);
    published.abort({ status: 'error', message: 'too slow' });
    await published.sent;
    expect(unsubscribed).toBe(true);
    expect(sent).toEqual([{ response: 1 }, { err: { status: 'error', message: 'too slow' }, isDisposed: true }]);
  });

  it('changes nothing once the stream ended', async () => {
    const sent: ReplyPacket[] = [];
    const published = publishReplyStream(of(15), async (packet) => void sent.push({ ...packet }), () => undefined, () => () => undefined);
    published.abort('late');
    await published.sent;
    expect(sent).toEqual([{ response: 15, isDisposed: true }]);
  });

  it('settles once the stream is unsubscribed from outside, as a closing server does, and sends nothing more', async () => {
    const sent: ReplyPacket[] = [];
    let subscription: Subscription | undefined;
    const published = publishReplyStream(new Observable<number>(() => undefined), async (packet) => void sent.push(packet), () => undefined, (tracked) => ((subscription = tracked), () => undefined));
    subscription!.unsubscribe();
    await published.sent;
    published.abort('too late');
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([]);
  });

  it('still produces the values already queued when unsubscribed from outside, before it settles', async () => {
    const sent: ReplyPacket[] = [];
    let subscription: Subscription | undefined;
    const oneThenQuiet$ = new Observable<number>((subscriber) => subscriber.next(1));
    const published = publishReplyStream(oneThenQuiet$, async (packet) => void sent.push({ ...packet }), () => undefined, (tracked) => ((subscription = tracked), () => undefined));
    subscription!.unsubscribe();
    await published.sent;
    expect(sent).toEqual([{ response: 1 }]);
  });
});
