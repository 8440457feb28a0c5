import type { Logger } from '@nestjs/common';
import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';
import { KafkaStatus } from '../../kafka-status.enum.js';
import type { ConsumerSpec, DeliveryControls, DriverConsumer, StopDrain } from '../kafka-driver.interface.js';
import { ConsumerEngine } from '../../engine/consumer-engine.js';
import type { PlatformaticSettings } from './platformatic-options.js';
import { PartitionPauses, type TopicPartitions } from './partition-pauses.js';
import { toConsumedRecord } from './platformatic-records.js';
import { describe, type PlatformaticTopics } from './platformatic-topics.js';
import { replyPartitionProtocol } from './reply-partition-protocol.js';

// Waits between attempts to read again after a failure: short, since a moved coordinator or leader is
// usually found again within seconds, and every second waited is a second of lag.
const REOPEN_BACKOFF_MS = { first: 300, max: 3_000 };
// A rebalance holds handling until the member has its new assignment; past this, handling goes on.
const REBALANCE_HOLD_MAX_MS = 30_000;
// KIP-848: a member that joins is given what the others let go of at their next heartbeats (5 s
// apart by default), and gets it at its own next one; past this, start-up goes on without it.
const FIRST_ASSIGNMENT_WAIT_MS = 15_000;
// Records handed to the engine and not finished, past which reading waits: memory stays bounded.
const MAX_BACKLOG = 10_000;

type Assignments = { topic: string; partitions: number[] }[];

// UNKNOWN_MEMBER_ID: the group no longer has this member (its session ran out).
const memberUnknown = (error: unknown): boolean => (error as { response?: { errorCode?: number } } | undefined)?.response?.errorCode === 25;

// The partitions this member holds, per topic.
const toAssignment = (assignments: Assignments): Record<string, number[]> =>
  Object.fromEntries(assignments.map(({ topic, partitions }) => [topic, [...partitions].sort((a, b) => a - b)]));

/**
 * A platformatic consumer feeding the consumer engine, which runs each partition as a lane of its
 * own and commits up to the lowest record not finished (never at fetch time, platformatic's
 * default). platformatic cannot seek a running stream nor pause one partition of it, so a partition
 * the engine holds (a record sent back, a handler's pause) has its records refused, and resuming it
 * commits what finished, closes the stream and opens a new one at the committed offsets: records the
 * engine handed out already are skipped there, the rest come again.
 */
export class PlatformaticConsumer implements DriverConsumer {
  private consumer: Consumer;
  /**
   * What handlers reach through `context.getConsumer()`: kafkajs's manual commit (as Nest documents
   * it), its per-partition pause, resume and paused(), and the platformatic consumer itself.
   */
  readonly forHandlers = {
    commitOffsets: (offsets: { topic: string; partition: number; offset: string }[]) => this.commitOffsets(offsets),
    pause: (topicPartitions: TopicPartitions) => this.pause(topicPartitions),
    resume: (topicPartitions: TopicPartitions) => this.resume(topicPartitions),
    paused: () => this.pauses.paused(this.owned),
    native: () => this.native,
  };
  private readonly pauses = new PartitionPauses();
  // A resumed partition had records left unhandled: the stream is to be read again from the commits.
  private rereadPending = false;
  // The stream whose next record the loop is waiting for, with no record in hand.
  private idle?: MessagesStream<Buffer, Buffer, Buffer, Buffer>;
  private readonly engine: ConsumerEngine;
  // platformatic heartbeats on its own interval, whatever a handler is doing: a handler's heartbeat has nothing to add.
  private readonly controls: DeliveryControls = { heartbeat: async () => undefined };
  private stream?: MessagesStream<Buffer, Buffer, Buffer, Buffer>;
  private running?: Promise<void>;
  private topicNames: string[] = [];
  private stopping = false;
  // The wait before reading again after a failure: doubled while failures follow each other.
  private reopenWaitMs = 0;
  // What the group last gave this member (topic to partitions, none empty), and the assignment it was read from.
  private owned = new Map<string, Set<number>>();
  private ownedFrom?: Assignments | null;
  private assigned?: () => void;
  private rejoining = false;
  // From a rejoin until its first assignment: what the member lacks then is still coming.
  private settling = false;
  // Counts memberships: a wait to read again that outlived its membership does not read again.
  private generation = 0;
  // Waits before reading again, ended at once by stop() and rejoin(): neither sits out a backoff of up to 30 s.
  private readonly waits = new Set<() => void>();
  // Set from a rebalance until the member has its assignment again: records wait instead of being
  // handled while their partition may be moving, since a commit made then lands after the new owner
  // has read the committed offsets, and the new owner handles them again.
  private rebalanceHold?: { until: Promise<void>; release: () => void };

  constructor(
    private readonly settings: PlatformaticSettings,
    private readonly topics: PlatformaticTopics,
    private readonly logger: Logger,
    private readonly spec: ConsumerSpec,
  ) {
    this.consumer = this.createConsumer();
    this.engine = new ConsumerEngine(
      spec.onRecord,
      {
        commit: (offsets) => this.native.commit({ offsets }),
        // Records of a held partition are refused as they come: there is nothing to pause.
        pause: () => undefined,
        resume: () => this.readAgain(),
        guard: {
          // A commit for a partition that moved would overwrite its new owner's, newer, commit.
          owns: (topic, partition) => this.owns(topic, partition),
          rebalanced: () => this.rebalanceHold?.until,
        },
      },
      { concurrency: settings.partitionsConsumedConcurrently, maxBacklog: MAX_BACKLOG, commit: settings.autoCommit, orderingOf: spec.orderingOf, batchOf: spec.batchOf, runBatch: spec.onBatch },
      logger,
    );
  }

  /** The platformatic consumer of the current membership (a new one after the group dropped the member). */
  get native(): Consumer {
    return this.consumer;
  }

  private createConsumer(): Consumer {
    const { settings, spec } = this;
    const { status } = spec;
    // Under KIP-848 the broker assigns, and it never gives a partition to two members at once: the
    // reply partitions of client instances are exclusive without Nest's assigner.
    const protocol = spec.replyPartitions && settings.groupProtocol === 'classic' ? replyPartitionProtocol(spec.replyPartitions) : {};
    const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({ ...settings.base, ...settings.consumer, ...protocol, groupId: spec.groupId, autocommit: false } as ConstructorParameters<typeof Consumer<Buffer, Buffer, Buffer, Buffer>>[0]);
    // Events of a membership that was replaced are not this member's any more.
    const current =
      <Args extends unknown[]>(listener: (...args: Args) => void) =>
      (...args: Args) => {
        if (consumer === this.consumer) listener(...args);
      };
    consumer.on('consumer:group:join', current(() => this.followAssignment()));
    // KIP-848 assignments change at heartbeats, with no join: a heartbeat that ends, or that fails
    // because the member was fenced (platformatic then clears the assignment), may carry a new one.
    if (settings.groupProtocol === 'consumer') {
      consumer.on('consumer:heartbeat:end', current(() => this.followAssignment()));
      consumer.on(
        'consumer:heartbeat:error',
        current((payload: { error?: unknown }) => {
          if (memberUnknown(payload?.error)) void this.rejoin();
          else this.followAssignment();
        }),
      );
    }
    consumer.on(
      'consumer:group:rebalance',
      current(() => {
        status?.next(KafkaStatus.REBALANCING);
        this.holdForRebalance();
        // Handled records are committed before their partitions may move.
        void this.engine.flush();
      }),
    );
    consumer.on('consumer:group:join', current(() => this.releaseRebalanceHold()));
    // Unheard, platformatic's 'error' event would end the process.
    consumer.on('error', (error: Error) => {
      if (this.stopping || consumer !== this.consumer) return;
      this.logger.error(`consumer of group "${spec.groupId}" failed: ${error.message}`);
      status?.next(KafkaStatus.CRASHED);
    });
    return consumer;
  }

  /**
   * A member whose heartbeats stopped for longer than the session (a paused process, a long GC)
   * is dropped by the broker, which gives its partitions to others. platformatic then only retries
   * its heartbeat, still holding the old assignment: so here the member lets go of everything at
   * once (a client fails the requests that wait on it) and joins again as a new member.
   */
  private async rejoin(): Promise<void> {
    if (this.rejoining || this.stopping) return;
    this.rejoining = true;
    this.generation += 1;
    const generation = this.generation;
    let assigned: Promise<void> | undefined;
    this.endWaits();
    try {
      this.logger.warn(`consumer of group "${this.spec.groupId}" was dropped by its group (no heartbeat within the session); joining again`);
      this.ownedFrom = undefined;
      this.owned = new Map();
      this.engine.retain(() => false);
      this.settling = true;
      this.spec.status?.next(KafkaStatus.REBALANCING);
      this.spec.onAssignment?.({}, { settled: false });
      const dropped = this.consumer;
      const stream = this.stream;
      this.stream = undefined;
      await stream?.close().catch(() => undefined);
      await this.running;
      if (!this.stopping) this.consumer = this.createConsumer();
      await dropped.close(true).catch(() => undefined);
      if (this.stopping) return;
      assigned = this.firstAssignment();
      await this.openWithRetries(REOPEN_BACKOFF_MS.first);
    } finally {
      this.rejoining = false;
    }
    await assigned;
    // Another rejoin started meanwhile settles on its own.
    if (this.stopping || generation !== this.generation) return;
    this.settling = false;
    this.spec.onAssignment?.(toAssignment(this.ownedFrom ?? []), { settled: true });
  }

  async start(): Promise<void> {
    const { spec } = this;
    const created = spec.createTopics && spec.topicsToCreate.length > 0 ? this.topics.ensure(spec.topicsToCreate) : undefined;
    created?.catch(() => undefined);
    await this.native.metadata({ topics: [] });
    await created;
    if (spec.topics.length === 0) return;
    this.topicNames = await this.resolveTopics();
    const assigned = this.firstAssignment();
    await this.open();
    await assigned;
  }

  /**
   * Resolves once the group gave this member its partitions, or after a bounded wait (the group
   * keeps trying in the background). Under the classic protocol the join that open() waits for
   * brings them. Under KIP-848 later heartbeats do: a member that joins a busy group is first given
   * nothing, until the others have let go of what it is to have. A reply consumer waits for a
   * partition of every reply topic, since requests need one; a server for a partition of any topic.
   */
  private firstAssignment(): Promise<void> {
    if (this.settings.groupProtocol === 'classic') return Promise.resolve();
    const named = this.spec.topics.filter((topic): topic is string => typeof topic === 'string');
    const holds = (topic: string) => this.owned.has(topic);
    const enough = () => (this.spec.replyPartitions ? named.every(holds) : this.owned.size > 0);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        // A later wait (another rejoin) may have taken the place of this one.
        if (this.assigned === check) this.assigned = undefined;
        resolve();
      };
      const timer = setTimeout(done, FIRST_ASSIGNMENT_WAIT_MS);
      timer.unref();
      const check = () => {
        if (enough() || this.stopping) done();
      };
      this.assigned = check;
    });
  }

  async stop(drain?: StopDrain): Promise<void> {
    this.stopping = true;
    // First, so that a read waiting for room in the backlog ends; platformatic heartbeats meanwhile.
    const drained = this.engine.stop(drain);
    this.assigned?.();
    this.endWaits();
    this.releaseRebalanceHold();
    const stream = this.stream;
    this.stream = undefined;
    await stream?.close().catch(() => undefined);
    await this.running;
    // Records that finish while the engine stops are committed before the member leaves its group.
    await drained;
    if (!this.native.closed) await this.native.close(true);
    this.spec.status?.next(KafkaStatus.DISCONNECTED);
  }

  /**
   * Takes up the group's current assignment for this member, once per change: which records are
   * this member's to handle, and the port's `onAssignment`. platformatic replaces the assignments
   * array whenever they change, so a changed reference is a new assignment.
   */
  private followAssignment(): void {
    const assignments = this.native.assignments as Assignments | null;
    if (assignments === this.ownedFrom || assignments === null) return;
    this.ownedFrom = assignments;
    this.owned = new Map(assignments.filter(({ partitions }) => partitions.length > 0).map(({ topic, partitions }) => [topic, new Set(partitions)]));
    this.engine.retain((topic, partition) => this.owns(topic, partition));
    this.spec.status?.next(KafkaStatus.CONNECTED);
    this.spec.onAssignment?.(toAssignment(assignments), { settled: !this.settling });
    this.assigned?.();
    this.releaseRebalanceHold();
  }

  private owns(topic: string, partition: number): boolean {
    return this.owned.get(topic)?.has(partition) ?? false;
  }

  private holdForRebalance(): void {
    if (this.rebalanceHold) return;
    let release!: () => void;
    const until = new Promise<void>((resolve) => (release = resolve));
    const timer = setTimeout(() => this.releaseRebalanceHold(), REBALANCE_HOLD_MAX_MS);
    // Records handed out already wait too, as those still to come do.
    this.engine.holdStarts(until);
    this.rebalanceHold = {
      until,
      release: () => {
        clearTimeout(timer);
        release();
      },
    };
  }

  private releaseRebalanceHold(): void {
    const hold = this.rebalanceHold;
    this.rebalanceHold = undefined;
    hold?.release();
  }

  // Under KIP-848 a client instance may have a member per reply topic: only those reading `topic` count.
  async groupSize(topic: string): Promise<number> {
    const { groupId } = this.spec;
    return this.settings.groupProtocol === 'consumer' ? this.topics.consumerGroupSize(groupId, topic) : this.topics.groupSize(groupId);
  }

  async commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void> {
    await this.native.commit({ offsets: offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: BigInt(offset), leaderEpoch: -1 })) });
  }

  /**
   * Topic names to consume. RegExps are matched against the topics that exist now, as kafkajs does
   * at subscribe time; named topics that do not exist are created, or fail start-up.
   */
  private async resolveTopics(): Promise<string[]> {
    const named = this.spec.topics.filter((topic): topic is string => typeof topic === 'string');
    const patterns = this.spec.topics.filter((topic): topic is RegExp => topic instanceof RegExp);
    const existing = await this.topics.list();
    const missing = named.filter((topic) => !existing.includes(topic));
    if (missing.length > 0) {
      // Unlisted may mean unknown or not visible to this user: the broker's own answer says which.
      if (!this.spec.createTopics) await this.topics.requireExisting(missing);
      else await this.topics.ensure(missing);
    }
    const matched = existing.filter((topic) => !topic.startsWith('__') && patterns.some((pattern) => ((pattern.lastIndex = 0), pattern.test(topic))));
    return [...new Set([...named, ...matched])];
  }

  private async open(): Promise<void> {
    const stream = await this.native.consume({ topics: this.topicNames, mode: 'committed', fallbackMode: this.settings.fallbackMode, autocommit: false });
    if (this.stopping) {
      await stream.close();
      return;
    }
    this.stream = stream;
    // The new stream reads every partition from its last commit, held-back records included.
    this.pauses.reread();
    this.rereadPending = false;
    this.running = this.consume(stream);
  }

  /** A handler's pause: the engine puts back what it had of those partitions and not started. */
  private pause(topicPartitions: TopicPartitions): void {
    this.pauses.pause(topicPartitions);
    for (const [topic, partitions] of this.owned) {
      for (const partition of partitions) if (this.pauses.isPaused(topic, partition)) this.engine.pauseByHandler(topic, partition);
    }
  }

  /** A handler's resume: the partitions' records that were refused meanwhile are read again. */
  private resume(topicPartitions: TopicPartitions): void {
    const heldBack = this.pauses.resume(topicPartitions);
    for (const [topic, partitions] of this.owned) {
      for (const partition of partitions) {
        if (!this.pauses.isPaused(topic, partition) && this.engine.pausedByHandler(topic, partition)) this.engine.resumeByHandler(topic, partition);
      }
    }
    if (heldBack) this.readAgain();
  }

  /**
   * Reads the stream again from the committed offsets: at once when the loop is waiting for a
   * record, else right after the record in hand.
   */
  private readAgain(): void {
    this.rereadPending = true;
    if (this.idle) void this.reread(this.idle);
  }

  private async reread(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
    if (stream !== this.stream) return;
    // Set first: a record the old stream still hands over is not handled.
    this.stream = undefined;
    this.idle = undefined;
    await this.engine.flush();
    await stream.close().catch(() => undefined);
    await this.openWithRetries(0);
  }

  private async consume(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
    this.idle = stream;
    try {
      for await (const message of stream as AsyncIterable<Message>) {
        this.idle = undefined;
        // Stopping, or a rejoin replaced the stream: it reads again itself.
        if (this.stopping || stream !== this.stream) return;
        await this.offer(message);
        if (this.rereadPending) return await this.reread(stream);
        this.idle = stream;
      }
    } catch (error) {
      this.idle = undefined;
      if (this.stopping || stream !== this.stream) return;
      // A broker that went away mid-fetch (a leader killed, say) ends the stream: read on from the last commit.
      this.logger.warn(`consumer of group "${this.spec.groupId}" stopped reading (${describe(error)}); reading again from the last committed offsets`);
      this.spec.status?.next(KafkaStatus.CRASHED);
      await this.reopenAfter(stream);
    } finally {
      if (this.idle === stream) this.idle = undefined;
    }
  }

  private async offer(message: Message): Promise<void> {
    if (this.rebalanceHold) await this.rebalanceHold.until;
    // A fetch that was on its way during a rebalance may hand over, after the join, records of
    // partitions that moved to another member: that member reads them from the last commit, so here
    // they are dropped.
    this.followAssignment();
    if (!this.owns(message.topic, message.partition)) return;
    // Refused while a handler paused the partition: it is read again once resumed.
    if (this.pauses.isPaused(message.topic, message.partition)) {
      this.pauses.holdBack(message.topic, message.partition);
      return;
    }
    if (!this.engine.offer(toConsumedRecord(message), this.controls, message.leaderEpoch)) return;
    this.reopenWaitMs = 0;
    const room = this.engine.room();
    if (room) await room;
  }

  /**
   * Commits what finished, closes the stream and opens a new one at the committed offsets, after a
   * wait that doubles while failures follow each other.
   */
  private async reopenAfter(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
    await this.engine.flush();
    await stream.close().catch(() => undefined);
    await this.openWithRetries(Math.min(REOPEN_BACKOFF_MS.max, this.reopenWaitMs * 2 || REOPEN_BACKOFF_MS.first));
  }

  /** Opens a new stream after `waitMs`, waiting longer after each failed attempt. */
  private async openWithRetries(waitMs: number): Promise<void> {
    const generation = this.generation;
    this.reopenWaitMs = waitMs;
    for (;;) {
      await this.wait(this.reopenWaitMs);
      if (this.stopping || generation !== this.generation) return;
      try {
        await this.open();
        return;
      } catch (error) {
        this.logger.warn(`consumer of group "${this.spec.groupId}" could not read again yet: ${describe(error)}`);
        this.reopenWaitMs = Math.min(REOPEN_BACKOFF_MS.max, Math.max(REOPEN_BACKOFF_MS.first, this.reopenWaitMs * 2));
      }
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.waits.delete(end);
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.waits.add(end);
    });
  }

  private endWaits(): void {
    for (const end of [...this.waits]) end();
  }
}
