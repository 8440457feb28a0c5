/**
 * Heartbeats for a kafkajs member while a record's handler runs. kafkajs heartbeats only between
 * records (its eachMessage loop, or our eachBatch loop after each record), so a handler running
 * past the session timeout (30 s by default, the same as the default handlerTimeout) lost the
 * member its partitions: the commit of the record then failed, and the group handed the record out
 * again, to hang again. One timer per consumer, not per record: a tick heartbeats only when no
 * record finished since the tick before, which is when a handler is holding the loop.
 */
export class BusyHeartbeat {
  private timer?: NodeJS.Timeout;
  private busy = 0;
  private finished = 0;
  private finishedAtLastTick = 0;
  private heartbeat?: () => Promise<void>;

  constructor(private readonly intervalMs: number) {}

  /** Runs `work` (one record's handling) with `heartbeat` (its batch's) sent while it takes long. */
  async around<T>(work: Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
    this.heartbeat = heartbeat;
    this.busy += 1;
    try {
      return await work;
    } finally {
      this.busy -= 1;
      this.finished += 1;
    }
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const stalled = this.busy > 0 && this.finished === this.finishedAtLastTick;
    this.finishedAtLastTick = this.finished;
    // A rebalance answers the heartbeat with an error; kafkajs's loop rejoins once the record is done.
    if (stalled) this.heartbeat?.().catch(() => undefined);
  }
}
