import type { Observable, Subscription } from 'rxjs';
import { KafkaRetriableException } from '@nestjs/microservices';

/** One reply message to produce: a value, an error, and whether it ends the stream. */
export interface ReplyPacket {
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

/** The two moments of a reply stream that its caller waits for. */
export interface PublishedReplies {
  /** Settles when the handler produced its first value, completed or failed: the request is handled. Rejects, sending nothing, on KafkaRetriableException before the first value. */
  handled: Promise<void>;
  /** Settles once every reply of the stream was produced (or failed to be, which is reported). */
  sent: Promise<void>;
  /** Stops the handler's stream and ends the replies with `err`, unless the stream already ended. */
  abort: (err: unknown) => void;
}

/**
 * Produces a handler's reply stream with the message boundaries Nest's server produces, so callers
 * on either transport see the same messages: values are sent one tick later, in order; the end of
 * the stream is merged into the last value still waiting to be sent, or sent alone (value null) when
 * none waits. `of(15)` is one message; an asynchronous stream is N values plus an end marker.
 *
 * The consumer moves on at `handled`, as Nest's does, so the next request on the partition does not
 * wait for this one's reply to be acknowledged; the server keeps `sent` to drain replies on close.
 * A KafkaRetriableException before the first value rejects `handled`: the message is consumed again.
 */
export function publishReplyStream(
  stream$: Observable<unknown>,
  publish: (packet: ReplyPacket) => Promise<unknown>,
  onPublishError: (error: unknown) => void,
  track: (subscription: Subscription) => () => void,
): PublishedReplies {
  let markHandled!: () => void;
  let refuse!: (error: unknown) => void;
  let abort!: (err: unknown) => void;
  const handled = new Promise<void>((resolve, reject) => {
    markHandled = resolve;
    refuse = reject;
  });
  const sent = new Promise<void>((resolve) => {
    const queue: ReplyPacket[] = [];
    let draining: Promise<void> | undefined;
    let emitted = false;
    let ended = false;

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
    // Settles once the replies already queued are produced: close() waits for them.
    const settleAfterDrain = () => {
      void (async () => {
        while (draining) await draining;
        resolve();
      })();
    };
    const finish = () => {
      ended = true;
      schedule({ isDisposed: true });
      settleAfterDrain();
    };

    let untrack = () => {};
    const subscription = stream$.subscribe({
      next: (response) => {
        emitted = true;
        markHandled();
        schedule({ response });
      },
      error: (err: unknown) => {
        if (err instanceof KafkaRetriableException && !emitted) {
          ended = true;
          refuse(err);
          resolve();
          return;
        }
        markHandled();
        schedule({ err });
        finish();
      },
      complete: () => {
        markHandled();
        finish();
      },
    });
    // A server that closes unsubscribes the streams still running, so their handlers stop replying.
    if (!subscription.closed) {
      untrack = track(subscription);
      subscription.add(() => {
        untrack();
        // Unsubscribed from outside (the server closes): nothing more comes, what is queued still goes.
        if (!ended) {
          ended = true;
          settleAfterDrain();
        }
      });
    }
    abort = (err: unknown) => {
      if (ended) return;
      // Ended first, so that unsubscribing is not taken for a close.
      ended = true;
      subscription.unsubscribe();
      markHandled();
      schedule({ err });
      finish();
    };
  });
  return { handled, sent, abort };
}
