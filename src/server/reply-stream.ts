import type { Observable, Subscription } from 'rxjs';
import { KafkaRetriableException } from '@nestjs/microservices';

/** One reply message to produce: a value, an error, and whether it ends the stream. */
export interface ReplyPacket {
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

/**
 * Produces a handler's reply stream with the message boundaries Nest's server produces, so callers
 * on either transport see the same messages: values are sent one tick later, in order; the end of
 * the stream is merged into the last value still waiting to be sent, or sent alone (value null) when
 * none waits. `of(15)` is one message; an asynchronous stream is N values plus an end marker.
 *
 * Resolves once every reply was produced, so the request's offset is committed only after its
 * replies exist. Rejects, sending nothing, when the handler throws KafkaRetriableException before
 * its first value: the message is then consumed again.
 */
export function publishReplyStream(
  stream$: Observable<unknown>,
  publish: (packet: ReplyPacket) => Promise<unknown>,
  onPublishError: (error: unknown) => void,
  track: (subscription: Subscription) => () => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const queue: ReplyPacket[] = [];
    let draining: Promise<void> | undefined;
    let emitted = false;

    const drain = async () => {
      await new Promise((tick) => process.nextTick(tick));
      while (queue.length > 0) {
        const packet = queue.shift()!;
        try {
          await publish(packet);
        } catch (error) {
          // One reply that cannot be produced must not stop the replies queued behind it.
          onPublishError(error);
        }
      }
      draining = undefined;
    };
    const schedule = (packet: ReplyPacket) => {
      if (packet.isDisposed && queue.length > 0) queue[queue.length - 1].isDisposed = true;
      else queue.push(packet);
      draining ??= drain();
    };
    const finish = () => {
      schedule({ isDisposed: true });
      void (async () => {
        while (draining) await draining;
        resolve();
      })();
    };

    let untrack = () => {};
    const subscription = stream$.subscribe({
      next: (response) => {
        emitted = true;
        schedule({ response });
      },
      error: (err: unknown) => {
        if (err instanceof KafkaRetriableException && !emitted) {
          reject(err);
          return;
        }
        schedule({ err });
        finish();
      },
      complete: finish,
    });
    // A server that closes unsubscribes the streams still running, so their handlers stop replying.
    if (!subscription.closed) {
      untrack = track(subscription);
      subscription.add(() => untrack());
    }
  });
}
