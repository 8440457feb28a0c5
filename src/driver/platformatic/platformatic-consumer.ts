import type { Logger } from '@nestjs/common';
import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';
import { hasErrorCode } from '../../errors/error-codes.js';
import { KafkaStatus } from '../../kafka-status.enum.js';
import type { ConsumerSpec, DeliveryControls, DriverConsumer } from '../kafka-driver.interface.js';
import { OffsetCommitter } from './offset-committer.js';
import type { PlatformaticSettings } from './platformatic-options.js';
import { PartitionPauses, type TopicPartitions } from './partition-pauses.js';
import { toConsumedRecord } from './platformatic-records.js';
import { describe, type PlatformaticTopics } from './platformatic-topics.js';
import { replyPartitionProtocol } from './reply-partition-protocol.js';

// Waits before reading again after a redelivery, doubled while the same record comes back.
const REDELIVERY_BACKOFF_MS = { first: 300, max: 30_000 };
// Waits between attempts to read again after a failure: short, since a moved coordinator or leader is
// usually found again within seconds, and every second waited is a second of lag.
const REOPEN_BACKOFF_MS = { first: 300, max: 3_000 };
// A rebalance holds handling until the member has its new assignment; past this, handling goes on.
const REBALANCE_HOLD_MAX_MS = 30_000;
// KIP-848: a member that joins is given what the others let go of at their next heartbeats (5 s
// apart by default), and gets it at its own next one; past this, start-up goes on without it.
const FIRST_ASSIGNMENT_WAIT_MS = 15_000;

type Assignments = { topic: string; partitions: number[] }[];

// UNKNOWN_MEMBER_ID: the group no longer has this member (its session ran out).
const memberUnknown = (error: unknown): boolean => (error as { response?: { errorCode?: number } } | undefined)?.response?.errorCode === 25;

// The partitions this member holds, per topic.
const toAssignment = (assignments: Assignments): Record<string, number[]> =>
  Object.fromEntries(assignments.map(({ topic, partitions }) => [topic, [...partitions].sort((a, b) => a - b)]));

/**
 * A platformatic consumer driven by the port's per-record outcome. Records are handled one at a
 * time, in stream order, and committed once handled (never at fetch time, platformatic's default).
 * platformatic cannot seek a running stream, so `redeliver` commits what was handled, closes the
 * stream and opens a new one at the committed offsets: the record comes again, and so do those
 * fetched after it, which were not handled.
 */
export class PlatformaticConsumer implements DriverConsumer {
  private consumer: Consumer;
  /**
   * What handlers reach through `context.getConsumer()`: kafkajs's manual commit (as Nest documents
   * it), its per-partition pause, resume and paused(), and the platformatic consumer itself.
   */
  readonly forHandlers = {
    commitOffsets: (offsets: { topic: string; partition: number; offset: string }[]) => this.commitOffsets(offsets),
    pause: (topicPartitions: TopicPartitions) => this.pauses.pause(topicPartitions),
    resume: (topicPartitions: TopicPartitions) => this.resume(topicPartitions),
    paused: () => this.pauses.paused(this.owned),
    native: () => this.native,
  };
  private readonly pauses = new PartitionPauses();
  // A resumed partition had records left unhandled: the stream is to be read again from the commits.
  private rereadPending = false;
  // The stream whose next record the loop is waiting for, with no record in hand.
  private idle?: MessagesStream<Buffer, Buffer, Buffer, Buffer>;
  private readonly committer: OffsetCommitter;
  // platformatic heartbeats on its own interval, whatever a handler is doing: a handler's heartbeat has nothing to add.
  private readonly controls: DeliveryControls = { heartbeat: async () => undefined };
  private stream?: MessagesStream<Buffer, Buffer, Buffer, Buffer>;
  private running?: Promise<void>;
  private topicNames: string[] = [];
  private stopping = false;
  private redeliveryWaitMs = 0;
  private lastRedelivered?: string;
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
    this.committer = new OffsetCommitter((offsets) => this.native.commit({ offsets }), logger, {
      // A commit for a partition that moved would overwrite its new owner's, newer, commit.
      owns: (topic, partition) => this.owns(topic, partition),
      rebalanced: () => this.rebalanceHold?.until,
    });
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
        void this.committer.flush();
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

  async stop(): Promise<void> {
    this.stopping = true;
    this.assigned?.();
    this.endWaits();
    this.releaseRebalanceHold();
    const stream = this.stream;
    this.stream = undefined;
    await stream?.close().catch(() => undefined);
    await this.running;
    await this.committer.flush();
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

  /**
   * Resumes partitions a handler paused. Records of theirs that arrived while paused were left
   * unhandled, so the stream is read again from the commits: at once when the loop is waiting,
   * else right after the record in hand.
   */
  private resume(topicPartitions: TopicPartitions): void {
    if (!this.pauses.resume(topicPartitions)) return;
    this.rereadPending = true;
    if (this.idle) void this.reread(this.idle);
  }

  private async reread(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
    if (stream !== this.stream) return;
    // Set first: a record the old stream still hands over is not handled.
    this.stream = undefined;
    this.idle = undefined;
    await this.committer.flush();
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
        if (!(await this.handle(message))) {
          if (stream === this.stream) await this.reopenAfter(stream, `${message.topic}:${message.partition}:${message.offset}`);
          return;
        }
        if (this.rereadPending) return await this.reread(stream);
        this.idle = stream;
      }
    } catch (error) {
      this.idle = undefined;
      if (this.stopping || stream !== this.stream) return;
      // A broker that went away mid-fetch (a leader killed, say) ends the stream: read on from the last commit.
      this.logger.warn(`consumer of group "${this.spec.groupId}" stopped reading (${describe(error)}); reading again from the last committed offsets`);
      this.spec.status?.next(KafkaStatus.CRASHED);
      await this.reopenAfter(stream, 'failure');
    } finally {
      if (this.idle === stream) this.idle = undefined;
    }
  }

  /**
   * True when the stream goes on: the record was handled (and will be committed), or it is not to
   * be handled now (its partition moved or is paused; it comes again from the last commit). False
   * when it is to come again.
   */
  private async handle(message: Message): Promise<boolean> {
    if (this.rebalanceHold) await this.rebalanceHold.until;
    // A fetch that was on its way during a rebalance may hand over, after the join, records of
    // partitions that moved to another member: that member reads them from the last commit, so here
    // they are dropped. Until the join, records are handled as before (a commit that then fails
    // means a duplicate, never a loss).
    this.followAssignment();
    if (!this.owns(message.topic, message.partition)) return true;
    if (this.pauses.isPaused(message.topic, message.partition)) {
      this.pauses.holdBack(message.topic, message.partition);
      return true;
    }
    let outcome: 'commit' | 'redeliver' | void;
    try {
      outcome = await this.spec.onRecord(toConsumedRecord(message), this.controls);
    } catch (error) {
      if (!hasErrorCode(error, 'KAFKA_SERVER_CLOSING')) this.logger.warn(`${message.topic}[${message.partition}]@${message.offset} will be delivered again: ${(error as Error)?.message}`);
      outcome = 'redeliver';
    }
    if (outcome === 'redeliver') return false;
    this.redeliveryWaitMs = 0;
    if (this.settings.autoCommit) this.committer.handled(message.topic, message.partition, message.offset, message.leaderEpoch);
    return true;
  }

  /**
   * Commits what was handled, closes the stream and opens a new one at the committed offsets, after
   * a wait that doubles while the same record (or a failure) keeps coming back.
   */
  private async reopenAfter(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>, cause: string): Promise<void> {
    await this.committer.flush();
    await stream.close().catch(() => undefined);
    const backoff = cause === 'failure' ? REOPEN_BACKOFF_MS : REDELIVERY_BACKOFF_MS;
    this.redeliveryWaitMs = cause === this.lastRedelivered ? Math.min(backoff.max, this.redeliveryWaitMs * 2 || backoff.first) : backoff.first;
    this.lastRedelivered = cause;
    await this.openWithRetries(this.redeliveryWaitMs);
  }

  /** Opens a new stream after `waitMs`, waiting longer after each failed attempt. */
  private async openWithRetries(waitMs: number): Promise<void> {
    const generation = this.generation;
    this.redeliveryWaitMs = waitMs;
    for (;;) {
      await this.wait(this.redeliveryWaitMs);
      if (this.stopping || generation !== this.generation) return;
      try {
        await this.open();
        return;
      } catch (error) {
        this.logger.warn(`consumer of group "${this.spec.groupId}" could not read again yet: ${describe(error)}`);
        this.redeliveryWaitMs = Math.min(REOPEN_BACKOFF_MS.max, Math.max(REOPEN_BACKOFF_MS.first, this.redeliveryWaitMs * 2));
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
