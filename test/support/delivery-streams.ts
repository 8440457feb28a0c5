import type { DeliveryLedger } from './delivery-ledger.js';
import { KafkaTransportError } from '../../src/index.js';

/**
 * Emits the ledger's numbers at about 1,500 a second, none awaited on its own, as a busy producer
 * sends them; `midway` (the fault) starts once `faultAt` of them have left. Resolves when every
 * send settled and the fault is over.
 */
export async function emitNumbered(ledger: DeliveryLedger, count: number, emit: (n: number) => Promise<unknown>, midway: () => Promise<unknown>, faultAt = Math.floor(count / 3)): Promise<void> {
  const sends: Promise<void>[] = [];
  let fault: Promise<unknown> | undefined;
  for (let i = 0; i < count; i += 1) {
    const n = ledger.first + i;
    sends.push(ledger.track(n, emit(n)));
    if (i === faultAt) fault = midway();
    if (i % 30 === 29) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await Promise.all(sends);
  await fault;
}

/**
 * Concurrent callers that each send the next number and wait for its reply, counting what a fault
 * must never cause: a reply to another request (misrouted) or an error that is not typed.
 */
export class NumberedCallers {
  misrouted = 0;
  sent = 0;
  readonly untyped: unknown[] = [];
  readonly failures = new Map<string, number>();

  constructor(
    private readonly ledger: DeliveryLedger,
    /** Sends request `n` and resolves with the number its reply carries. */
    private readonly request: (n: number) => Promise<number | undefined>,
  ) {}

  /** Runs `concurrency` callers while `keepGoing(i)` allows request number i (it may start a fault on the way). */
  async run(concurrency: number, keepGoing: (i: number) => boolean): Promise<void> {
    await Promise.all(Array.from({ length: concurrency }, () => this.caller(keepGoing)));
  }

  private async caller(keepGoing: (i: number) => boolean): Promise<void> {
    while (keepGoing(this.sent)) {
      const n = this.ledger.first + this.sent;
      this.sent += 1;
      const replied = this.request(n).then((answer) => {
        if (answer !== n) this.misrouted += 1;
      });
      replied.catch((error: unknown) => {
        if (error instanceof KafkaTransportError) this.failures.set(error.name, (this.failures.get(error.name) ?? 0) + 1);
        else this.untyped.push(error);
      });
      await this.ledger.track(n, replied);
    }
  }
}
