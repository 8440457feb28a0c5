import type { Logger } from '@nestjs/common';
import type { ConsumedRecord } from '../codec/kafka-record.js';
import type { DeliveryControls, RecordOutcome, StopDrain } from '../driver/kafka-driver.interface.js';
import { hasErrorCode } from '../errors/error-codes.js';
import type { EngineHost, EngineSettings, RunRecord } from './engine-host.interface.js';
import { OffsetCommitter } from './offset-committer.js';
import { OrderedLanes } from './ordered-lanes.js';
import type { OffsetTicket } from './partition-offsets.js';
import { keyLane, laneKey, newPartitionLane, type Gathering, type HandedOut, type HoldReason, type PartitionLane } from './partition-lane.js';

export type { EngineHost, EngineSettings, RunBatch, RunRecord } from './engine-host.interface.js';

// Waits before a record sent back is read again, doubled while the same record comes back.
const REDELIVERY_BACKOFF_MS = { first: 300, max: 30_000 };
// After giving up, how long records still running get to settle (the server's close rejects them at once).
const GIVE_UP_SETTLE_MS = 1_000;

/**
 * Runs consumed records the way Kafka's ordering allows: each partition is a lane of its own, so a
 * slow record holds back only the later records of its partition, never another partition or topic;
 * `concurrency` bounds how many run at once. Under key ordering a partition's keys are lanes too,
 * up to the topic's concurrency of them at once. The driver offers records as it fetches them and goes
 * on at once; offsets are committed up to the lowest record not finished in each partition, so a
 * crash redelivers what was running and skips nothing. When a partition's backlog is full, or a
 * handler pauses it, or a record is sent back, fetching of that partition pauses and resumes from
 * the first record not handed out.
 */
export class ConsumerEngine {
  private readonly lanes: OrderedLanes;
  private readonly partitions = new Map<string, PartitionLane>();
  private readonly committer: OffsetCommitter;
  private backlog = 0;
  private roomWaiters: (() => void)[] = [];
  private stopped = false;
  private startHold?: { until: Promise<void>; release: () => void };

  constructor(
    private readonly runRecord: RunRecord,
    private readonly host: EngineHost,
    private readonly settings: EngineSettings,
    private readonly logger: Logger,
  ) {
    this.lanes = new OrderedLanes(settings.concurrency ?? Number.MAX_SAFE_INTEGER);
    this.committer = new OffsetCommitter((offsets) => host.commit(offsets), logger, host.guard);
  }

  /**
   * Takes a fetched record. True when it was handed out, or had been already (a partition read again
   * from its last commit brings records that still run); false when its partition is held: the
   * record comes again once fetching of it resumes, so the driver moves its position no further.
   */
  offer(record: ConsumedRecord, controls: DeliveryControls, leaderEpoch = -1): boolean {
    if (this.stopped) return false;
    const state = this.laneOf(record.topic, record.partition);
    if (state.holds.size > 0) return false;
    const offset = BigInt(record.offset);
    const next = state.offsets.nextOffset;
    if (next !== undefined && offset < next) return true;
    const ticket = state.offsets.handOut(offset);
    state.backlog += 1;
    state.unstarted.add(ticket);
    this.backlog += 1;
    if (state.batch) {
      this.gather(state, state.batch, { ticket, record, controls, leaderEpoch });
    } else {
      const lane = state.keyLanes ? keyLane(state.lane, record.key) : state.lane;
      void this.lanes.run(lane, () => this.run(state, ticket, record, controls, leaderEpoch), state.keyLanes);
    }
    const bound = this.settings.partitionBacklog;
    if (bound !== undefined && state.backlog >= bound) this.hold(state, 'full');
    return true;
  }

  /** Resolves once the backlog is under its bound: the driver waits for it before offering more. Undefined when there is room. */
  room(): Promise<void> | undefined {
    if (this.backlog < this.settings.maxBacklog || this.stopped) return undefined;
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** A handler paused the partition: what was handed out of it and not started is put back, to come again on resume. */
  pauseByHandler(topic: string, partition: number): void {
    const state = this.laneOf(topic, partition);
    this.hold(state, 'handler');
    const [first] = state.unstarted;
    if (first) this.forgetFrom(state, first.offset);
  }

  resumeByHandler(topic: string, partition: number): void {
    const state = this.partitions.get(laneKey(topic, partition));
    if (state) this.release(state, 'handler');
  }

  /** Whether a handler paused the partition. */
  pausedByHandler(topic: string, partition: number): boolean {
    return this.partitions.get(laneKey(topic, partition))?.holds.has('handler') ?? false;
  }

  /**
   * The member holds only what `owns` says now: records of the partitions it lost are dropped, and
   * those still running finish into nothing (the new owner reads them from the last commit).
   */
  retain(owns: (topic: string, partition: number) => boolean): void {
    for (const [key, state] of this.partitions) {
      if (owns(state.topic, state.partition)) continue;
      state.dropped = true;
      clearTimeout(state.redeliveryTimer);
      // Sent to run into nothing, so that the backlog lets go of them.
      if (state.batch) this.sendBatch(state, state.batch);
      this.partitions.delete(key);
    }
  }

  /** Until `settled` resolves (a rebalance ends), no record starts: its partition may be moving. */
  holdStarts(settled: Promise<void>): void {
    if (this.startHold) return;
    let release!: () => void;
    const until = new Promise<void>((resolve) => (release = resolve));
    const hold = { until, release };
    this.startHold = hold;
    void settled.finally(() => {
      if (this.startHold === hold) this.startHold = undefined;
      release();
    });
  }

  /** Commits what finished so far; resolves once the commit was made (or failed). */
  flush(): Promise<void> {
    return this.committer.flush();
  }

  /**
   * Takes no more records at once, and starts none of those waiting (they were not handled: the
   * next owner reads them from the commit). Records running may finish within `drain.withinMs`;
   * then the drain gives up on the rest, which stay uncommitted. Resolves once what finished was
   * committed.
   */
  async stop(drain?: StopDrain): Promise<void> {
    this.stopped = true;
    this.startHold?.release();
    for (const state of this.partitions.values()) {
      clearTimeout(state.redeliveryTimer);
      if (state.batch) this.sendBatch(state, state.batch);
    }
    this.wakeRoomWaiters();
    if (!(await this.idleWithin(drain?.withinMs ?? 0))) {
      drain?.giveUp();
      await this.idleWithin(GIVE_UP_SETTLE_MS);
    }
    await this.committer.flush();
  }

  private async idleWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const idle = this.lanes.idle().then(() => true);
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const result = await Promise.race([idle, late]);
    clearTimeout(timer);
    return result;
  }

  private async run(state: PartitionLane, ticket: OffsetTicket, record: ConsumedRecord, controls: DeliveryControls, leaderEpoch: number): Promise<void> {
    try {
      state.unstarted.delete(ticket);
      if (this.startHold && !this.stopped) await this.startHold.until;
      // Forgotten while it waited (a pause, a redelivery, a lost partition, a stop): it comes again.
      if (this.stopped || state.dropped || !state.offsets.isLive(ticket)) return;
      const outcome = await this.outcomeOf(record, controls);
      if (state.dropped) return;
      if (outcome === 'redeliver') {
        if (!this.stopped && state.offsets.isLive(ticket)) this.redeliver(state, ticket);
        return;
      }
      if (!state.offsets.finish(ticket)) return;
      if (state.redelivered?.offset === ticket.offset) state.redelivered = undefined;
      const upTo = this.settings.commit ? state.offsets.committable() : undefined;
      if (upTo !== undefined) this.committer.upTo(state.topic, state.partition, upTo, leaderEpoch);
    } finally {
      this.settled(state, 1);
    }
  }

  private gather(state: PartitionLane, batch: Gathering, handedOut: HandedOut): void {
    batch.pending.push(handedOut);
    if (batch.pending.length >= batch.shape.maxRecords) this.sendBatch(state, batch);
    else batch.timer ??= setTimeout(() => this.sendBatch(state, batch), batch.shape.maxWaitMs);
  }

  /** Queues what was gathered as one task of the partition's lane. */
  private sendBatch(state: PartitionLane, batch: Gathering): void {
    clearTimeout(batch.timer);
    batch.timer = undefined;
    if (batch.pending.length === 0) return;
    const items = batch.pending;
    batch.pending = [];
    void this.lanes.run(state.lane, () => this.runBatch(state, items));
  }

  /**
   * Runs a batch and takes each record's outcome: the records before the first one sent back are
   * finished; that one comes again with every later record of the partition.
   */
  private async runBatch(state: PartitionLane, items: HandedOut[]): Promise<void> {
    try {
      for (const { ticket } of items) state.unstarted.delete(ticket);
      if (this.startHold && !this.stopped) await this.startHold.until;
      const live = items.filter(({ ticket }) => !this.stopped && !state.dropped && state.offsets.isLive(ticket));
      if (live.length === 0) return;
      let outcomes: RecordOutcome[];
      try {
        outcomes = await this.settings.runBatch!(
          live.map(({ record }) => record),
          live[0].controls,
        );
      } catch (error) {
        if (!hasErrorCode(error, 'KAFKA_SERVER_CLOSING')) this.logger.warn(`a batch of ${state.topic}[${state.partition}] from offset ${live[0].record.offset} will be delivered again: ${(error as Error)?.message ?? String(error)}`);
        outcomes = [];
      }
      if (state.dropped) return;
      const firstBack = live.findIndex((_, index) => (outcomes[index] ?? 'redeliver') === 'redeliver');
      for (const { ticket } of firstBack === -1 ? live : live.slice(0, firstBack)) state.offsets.finish(ticket);
      if (firstBack !== -1 && !this.stopped && state.offsets.isLive(live[firstBack].ticket)) this.redeliver(state, live[firstBack].ticket);
      const upTo = this.settings.commit ? state.offsets.committable() : undefined;
      if (upTo !== undefined) this.committer.upTo(state.topic, state.partition, upTo, live.at(-1)!.leaderEpoch);
    } finally {
      this.settled(state, items.length);
    }
  }

  private settled(state: PartitionLane, count: number): void {
    state.backlog -= count;
    this.backlog -= count;
    const bound = this.settings.partitionBacklog;
    if (bound !== undefined && state.holds.has('full') && state.backlog <= bound / 2) this.release(state, 'full');
    if (this.backlog < this.settings.maxBacklog) this.wakeRoomWaiters();
  }

  private async outcomeOf(record: ConsumedRecord, controls: DeliveryControls): Promise<RecordOutcome | void> {
    try {
      return await this.runRecord(record, controls);
    } catch (error) {
      if (!hasErrorCode(error, 'KAFKA_SERVER_CLOSING')) this.logger.warn(`${record.topic}[${record.partition}]@${record.offset} will be delivered again: ${(error as Error)?.message ?? String(error)}`);
      return 'redeliver';
    }
  }

  /** Sends the record back: it and every later record of its partition come again, after a wait. */
  private redeliver(state: PartitionLane, ticket: OffsetTicket): void {
    this.forgetFrom(state, ticket.offset);
    const previous = state.redelivered;
    const waitMs = previous?.offset === ticket.offset ? Math.min(REDELIVERY_BACKOFF_MS.max, previous.waitMs * 2) : REDELIVERY_BACKOFF_MS.first;
    state.redelivered = { offset: ticket.offset, waitMs };
    this.hold(state, 'redelivery');
    clearTimeout(state.redeliveryTimer);
    state.redeliveryTimer = setTimeout(() => this.release(state, 'redelivery'), waitMs);
  }

  private forgetFrom(state: PartitionLane, offset: bigint): void {
    state.offsets.rewind(offset);
    for (const ticket of state.unstarted) if (ticket.offset >= offset) state.unstarted.delete(ticket);
  }

  private hold(state: PartitionLane, reason: HoldReason): void {
    const first = state.holds.size === 0;
    state.holds.add(reason);
    if (first) this.host.pause(state.topic, state.partition);
  }

  private release(state: PartitionLane, reason: HoldReason): void {
    if (!state.holds.delete(reason) || state.holds.size > 0 || state.dropped || this.stopped) return;
    this.host.resume(state.topic, state.partition, state.offsets.nextOffset);
  }

  private laneOf(topic: string, partition: number): PartitionLane {
    const key = laneKey(topic, partition);
    let state = this.partitions.get(key);
    if (!state) {
      state = newPartitionLane(topic, partition, this.settings.orderingOf?.(topic), this.settings.runBatch ? this.settings.batchOf?.(topic) : undefined);
      this.partitions.set(key, state);
    }
    return state;
  }

  private wakeRoomWaiters(): void {
    if (this.roomWaiters.length === 0) return;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }
}
