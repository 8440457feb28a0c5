interface Waiting {
  lane: string;
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
  // Oldest first. Scanned for the first task whose lane is free: it holds at most what the engine
  // let in, which its bound on records in flight keeps small.
  private readonly waiting: Waiting[] = [];
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
    return this.waiting.length;
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
          this.startWhatMay();
        });
      };
      this.waiting.push({ lane, start });
      this.startWhatMay();
    });
  }

  /** Resolves once no task runs or waits. */
  idle(): Promise<void> {
    if (this.busy.size === 0 && this.waiting.length === 0) return Promise.resolve();
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
        for (let index = 0; index < this.waiting.length && this.busy.size < this.concurrency; ) {
          const candidate = this.waiting[index];
          // Its lane runs an earlier task. (An earlier task of a free lane would have started in
          // this scan, making the lane busy, so order within a lane holds.)
          if (this.busy.has(candidate.lane)) {
            index += 1;
            continue;
          }
          this.waiting.splice(index, 1);
          candidate.start();
        }
      } while (this.rescan);
    } finally {
      this.scanning = false;
    }
    if (this.busy.size === 0 && this.waiting.length === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }
}
