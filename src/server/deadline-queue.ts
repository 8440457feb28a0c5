/** Work waiting on its deadline: `expire` runs once if it has not settled by then. */
export interface Deadline {
  readonly at: number;
  settled: boolean;
  expire(): void;
}

// Settled entries at the front are cut off the array once there are this many and they are most of it.
const COMPACT_AFTER = 1024;

/**
 * The deadlines of work bounded by the same number of milliseconds, behind one timer: such work
 * expires in the order it started, so the oldest waiting entry always has the earliest deadline. A
 * timer per handled message (inserted into and removed from Node's timer lists) cost about 6% of
 * the event path's CPU in a profile. The timer stays armed when the queue empties, since the next message
 * usually follows at once; it then fires once, finds nothing, and is not armed again.
 */
export class DeadlineQueue {
  private entries: Deadline[] = [];
  private head = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly ms: number) {}

  add(expire: () => void): Deadline {
    const entry: Deadline = { at: Date.now() + this.ms, settled: false, expire };
    this.entries.push(entry);
    this.timer ??= this.arm(this.ms);
    return entry;
  }

  /** The work settled in time: its deadline no longer counts. */
  settle(entry: Deadline): void {
    entry.settled = true;
    this.dropSettled();
  }

  /** Forgets every deadline and stops the timer (the server closed). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.entries = [];
    this.head = 0;
  }

  /** Deadlines still waiting, settled ones not yet dropped included. */
  get size(): number {
    return this.entries.length - this.head;
  }

  private arm(ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.fire(), ms);
    // A waiting handler keeps its own consumer alive; the bound alone does not hold the process open.
    timer.unref();
    return timer;
  }

  private fire(): void {
    this.timer = undefined;
    const now = Date.now();
    while (this.head < this.entries.length && this.entries[this.head].at <= now) {
      const entry = this.entries[this.head++];
      if (entry.settled) continue;
      entry.settled = true;
      entry.expire();
    }
    this.dropSettled();
    if (this.head < this.entries.length) this.timer = this.arm(this.entries[this.head].at - now);
  }

  private dropSettled(): void {
    while (this.head < this.entries.length && this.entries[this.head].settled) this.head += 1;
    if (this.head === this.entries.length) {
      this.entries.length = 0;
      this.head = 0;
    } else if (this.head > COMPACT_AFTER && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
