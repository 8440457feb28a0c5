import type { Logger } from '@nestjs/common';

/** The next offset to read of one partition, with the leader epoch of the record handled last. */
export interface HandledUpTo {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
}

type Commit = (offsets: HandledUpTo[]) => Promise<void>;

/** What the committer asks of the group before each commit. */
export interface CommitGuard {
  /** Whether this member holds the partition now. */
  owns(topic: string, partition: number): boolean;
  /** While a rebalance is under way, resolves once the member has its new assignment. */
  rebalanced(): Promise<void> | undefined;
}

/**
 * Commits handled records without a commit request per record: the first handled record starts a
 * commit at the next turn; records handled while it is on its way are committed together right
 * after. A failed commit (a rebalance moved the partition) is logged and dropped: the new owner reads
 * from the last committed offset, so at worst records are delivered twice, never skipped.
 *
 * No commit starts during a rebalance, and none is made for a partition the member no longer holds:
 * Kafka accepts a member's commit for any partition of its group, so a late one (platformatic
 * retries a commit that met the rebalance once it has joined again) would set the partition back
 * under its new owner, which then reads it again from there (226 of 3,000 events in a handover).
 */
export class OffsetCommitter {
  // Topic to partition to what is handled there and not yet committed; replaced, not cleared, when a
  // commit takes it, so records handled meanwhile update entries of their own.
  private pending = new Map<string, Map<number, HandledUpTo>>();
  private inFlight?: Promise<void>;
  // What the broker last took per partition ("topic\0partition"): under concurrency most records
  // finish above a lower one still running, and the commit they ask for is the one already made.
  private readonly stored = new Map<string, bigint>();

  constructor(
    private readonly commit: Commit,
    private readonly logger: Logger,
    private readonly guard: CommitGuard = { owns: () => true, rebalanced: () => undefined },
  ) {}

  /** The record at `offset` was handled: the commit may move past it. */
  handled(topic: string, partition: number, offset: bigint, leaderEpoch: number): void {
    this.upTo(topic, partition, offset + 1n, leaderEpoch);
  }

  /** Commits `next` as the partition's next record to read (what was before it finished). */
  upTo(topic: string, partition: number, next: bigint, leaderEpoch = -1): void {
    let partitions = this.pending.get(topic);
    if (!partitions) this.pending.set(topic, (partitions = new Map()));
    const entry = partitions.get(partition);
    if (entry) {
      entry.offset = next;
      entry.leaderEpoch = leaderEpoch;
    } else {
      partitions.set(partition, { topic, partition, offset: next, leaderEpoch });
    }
    this.inFlight ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
  }

  /** Resolves once everything handled so far was committed (or failed to be). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.pending.size > 0) {
      this.inFlight = this.drain();
      await this.inFlight;
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const rebalanced = this.guard.rebalanced();
        if (rebalanced) await rebalanced;
        const taken = this.pending;
        this.pending = new Map();
        const offsets = [...taken.values()]
          .flatMap((partitions) => [...partitions.values()])
          .filter(({ topic, partition, offset }) => this.guard.owns(topic, partition) && this.stored.get(`${topic}\u0000${partition}`) !== offset);
        if (offsets.length === 0) continue;
        await this.commit(offsets).then(
          () => {
            for (const { topic, partition, offset } of offsets) this.stored.set(`${topic}\u0000${partition}`, offset);
          },
          (error: unknown) => {
            this.logger.warn(`committing ${offsets.map((entry) => `${entry.topic}[${entry.partition}]@${entry.offset}`).join(', ')} failed: ${(error as Error).message}; those records may be delivered again`);
          },
        );
      }
    } finally {
      this.inFlight = undefined;
    }
  }
}
