import { KafkaTransportError } from '../errors/kafka-transport.error.js';
import { DeadlineQueue } from './deadline-queue.js';

/** Raised into a message's processing when the server closes before the handler finished. */
export class ServerClosingError extends KafkaTransportError {
  constructor() {
    super('KAFKA_SERVER_CLOSING', 'the server closed before this message was handled; it stays uncommitted and is delivered again', true);
  }
}

/** How long work may take, and the error it fails with past that. */
export interface WorkBound {
  ms: number;
  timedOut: () => Error;
}

/**
 * Lets work in flight give way to a close(): `race(work)` settles with the work, or rejects with
 * ServerClosingError once `trigger()` was called, so the driver does not commit the message; with
 * a bound, it also rejects once the work outlived it (one timer per bound length, not per message).
 *
 * Not `Promise.race([work, closed])`: every such race leaves a reaction on the long-lived `closed`
 * promise until the server closes, about 300 bytes per message, which grew the heap by 1.3 GB over
 * ten minutes of steady requests. Here a race is known only while its work is pending.
 */
export class ShutdownSignal {
  private fired = false;
  private readonly waiting = new Set<(error: ServerClosingError) => void>();
  private readonly queues = new Map<number, DeadlineQueue>();

  /** Races still waiting for their work. */
  get pending(): number {
    return this.waiting.size;
  }

  trigger(): void {
    if (this.fired) return;
    this.fired = true;
    const error = new ServerClosingError();
    for (const reject of this.waiting) reject(error);
    this.waiting.clear();
    for (const queue of this.queues.values()) queue.clear();
  }

  race<T>(work: Promise<T>, bound?: WorkBound): Promise<T> {
    if (this.fired) {
      // Nobody waits for this work any more; its failure is no unhandled rejection.
      work.catch(() => undefined);
      return Promise.reject(new ServerClosingError());
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject);
      const queue = bound && this.deadlines(bound.ms);
      const deadline = queue?.add(() => {
        this.waiting.delete(reject);
        reject(bound!.timedOut());
      });
      work.then(
        (value) => {
          this.waiting.delete(reject);
          if (deadline) queue!.settle(deadline);
          resolve(value);
        },
        (error: unknown) => {
          this.waiting.delete(reject);
          if (deadline) queue!.settle(deadline);
          reject(error);
        },
      );
    });
  }

  /** The deadlines of work bounded by `ms`, which end with the server: trigger() clears them. */
  deadlines(ms: number): DeadlineQueue {
    let queue = this.queues.get(ms);
    if (!queue) this.queues.set(ms, (queue = new DeadlineQueue(ms)));
    return queue;
  }
}
