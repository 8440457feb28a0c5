interface Waiting {
  // Submission order: among the lanes that may start, the oldest task goes first.
  seq: number;
  start: () => void;
}

/**
 * Runs tasks concurrently while keeping order inside each lane: a task starts once every earlier
 * task of its lane has finished and fewer than `concurrency` tasks run in all; among the tasks that
 * may start, the oldest goes first. A lane is whatever must stay in order: a partition (Kafka's
 * order), or a key within a partition (records of one key never overlap and run in offset order).
 * A task that fails frees its lane like one that succeeds; what its failure means is its caller's.
 */
export class OrderedLanes {
  private readonly busy = new Set<string>();
  // Each lane's waiting tasks, oldest first; a lane with none has no entry.
  private readonly queues = new Map<string, Waiting[]>();
  // Lanes with a waiting task and none running: what may start once a slot is free. Only these are
  // scanned, so a long queue behind one busy lane costs nothing per start.
  private readonly ready = new Set<string>();
  private waitingCount = 0;
  private seq = 0;
  private idleWaiters: (() => void)[] = [];
  private scanning = false;
  private rescan = false;

  constructor(private readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a whole number of at least 1, got ${concurrency}`);
  }

  /** Tasks running now. */
  get running(): number {
    return this.busy.size;
  }

  /** Tasks waiting for their lane or for a free slot. */
  get queued(): number {
    return this.waitingCount;
  }

  run<T>(lane: string, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.busy.add(lane);
        let outcome: Promise<T>;
        try {
          outcome = task();
        } catch (error) {
          outcome = Promise.reject(error);
        }
        outcome.then(resolve, reject).finally(() => {
          this.busy.delete(lane);
          if (this.queues.has(lane)) this.ready.add(lane);
          this.startWhatMay();
        });
      };
      const queue = this.queues.get(lane);
      if (queue) queue.push({ seq: this.seq++, start });
      else this.queues.set(lane, [{ seq: this.seq++, start }]);
      this.waitingCount += 1;
      if (!this.busy.has(lane)) this.ready.add(lane);
      this.startWhatMay();
    });
  }

  /** Resolves once no task runs or waits. */
  idle(): Promise<void> {
    if (this.busy.size === 0 && this.waitingCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private startWhatMay(): void {
    // A task may submit another as it starts: the scan in progress picks it up.
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = true;
    try {
      do {
        this.rescan = false;
        while (this.busy.size < this.concurrency && this.ready.size > 0) this.startLane(this.oldestReady());
      } while (this.rescan);
    } finally {
      this.scanning = false;
    }
    if (this.busy.size === 0 && this.waitingCount === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  private oldestReady(): string {
    let oldest: string | undefined;
    let oldestSeq = Infinity;
    for (const lane of this.ready) {
      const seq = this.queues.get(lane)![0].seq;
      if (seq < oldestSeq) {
        oldest = lane;
        oldestSeq = seq;
      }
    }
    return oldest!;
  }

  private startLane(lane: string): void {
    const queue = this.queues.get(lane)!;
    const next = queue.shift()!;
    if (queue.length === 0) this.queues.delete(lane);
    this.ready.delete(lane);
    this.waitingCount -= 1;
    next.start();
  }
}
