interface Waiting {
  // Submission order: among the lanes that may start, the oldest task goes first.
  seq: number;
  group?: LaneGroup;
  start: () => void;
}

/** Lanes that share a bound of their own besides the overall one: the key lanes of one partition, say. */
export interface LaneGroup {
  readonly limit: number;
  running: number;
}

/**
 * Runs tasks concurrently while keeping order inside each lane: a task starts once every earlier
 * task of its lane has finished and fewer than `concurrency` tasks run in all; among the tasks that
 * may start, the oldest goes first. A lane is whatever must stay in order: a partition (Kafka's
 * order), or a key within a partition (records of one key never overlap and run in offset order).
 * A task may belong to a group of lanes with a bound of its own (at most so many keys of one
 * partition at once). A task that fails frees its lane like one that succeeds; what its failure
 * means is its caller's.
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

  run<T>(lane: string, task: () => Promise<T>, group?: LaneGroup): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.busy.add(lane);
        if (group) group.running += 1;
        let outcome: Promise<T>;
        try {
          outcome = task();
        } catch (error) {
          outcome = Promise.reject(error);
        }
        outcome.then(resolve, reject).finally(() => {
          this.busy.delete(lane);
          if (group) group.running -= 1;
          if (this.queues.has(lane)) this.ready.add(lane);
          this.startWhatMay();
        });
      };
      const queue = this.queues.get(lane);
      const waiting = { seq: this.seq++, group, start };
      if (queue) queue.push(waiting);
      else this.queues.set(lane, [waiting]);
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
        for (let lane = this.oldestReady(); lane !== undefined && this.busy.size < this.concurrency; lane = this.oldestReady()) this.startLane(lane);
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

  /** The ready lane whose head is oldest, leaving out lanes whose group is at its bound. */
  private oldestReady(): string | undefined {
    let oldest: string | undefined;
    let oldestSeq = Infinity;
    for (const lane of this.ready) {
      const head = this.queues.get(lane)![0];
      if (head.seq < oldestSeq && (!head.group || head.group.running < head.group.limit)) {
        oldest = lane;
        oldestSeq = head.seq;
      }
    }
    return oldest;
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
