import type { Logger } from '@nestjs/common';
import type { Consumer, ConsumerConfig, ConsumerRunConfig, ConsumerSubscribeTopics, EachBatchPayload, Kafka } from 'kafkajs';
import type { ResolvedKafkaOptions } from '../../options/resolve-options.js';
import type { ConsumerSpec, DriverConsumer, StopDrain } from '../kafka-driver.interface.js';
import { ConsumerEngine } from '../../engine/consumer-engine.js';
import { KAFKAJS_CONSUMER_DEFAULTS } from '../kafkajs-defaults.js';
import { BusyHeartbeat } from './busy-heartbeat.js';
import { toConsumedRecord } from './consumed-record.js';
import { ensureTopics } from './ensure-topics.js';
import { firstGroupJoin } from './first-group-join.js';
import { watchConsumerStatus } from './kafkajs-status.js';
import { replyPartitionAssigner } from './reply-partition-assignor.js';
import { subscribeCreatingMissing } from './subscribe-creating-missing.js';

// consumer.maxWaitTimeInMs unless set: Kafka's own clients' fetch.max.wait.ms, where kafkajs waits
// 5 s. kafkajs's disconnect() sits out the fetch in flight, so an idle server took ~5 s to close;
// a fetch returns as soon as a record arrives, so only an idle member's fetches come more often.
const FETCH_MAX_WAIT_MS = 500;
// kafkajs fetches up to 1 MB per partition: a partition's backlog past this pauses its fetching,
// and records of all partitions past MAX_BACKLOG hold the fetch loop, so memory stays bounded.
const PARTITION_BACKLOG = 2_000;
const MAX_BACKLOG = 10_000;
// A rebalance holds records from starting until the member joined again; past this, they start.
const REBALANCE_HOLD_MAX_MS = 30_000;

// kafkajs's pause() and resume() take topics with their partitions, or without for all of them.
type PauseTopics = Parameters<Consumer['pause']>[0];

/**
 * A kafkajs consumer feeding the consumer engine. Records come through `eachBatch` and are handed
 * to the engine, which runs each partition as a lane of its own; the batch returns once handed out,
 * so kafkajs fetches on and a slow partition holds back no other. kafkajs's own commits are off:
 * its resolved offsets only say where to fetch next, and the engine commits up to the lowest record
 * not finished. A partition the engine holds (full, paused by a handler, a record sent back) is
 * paused here and sought back to its first record not handed out when it resumes.
 */
export class KafkajsConsumer implements DriverConsumer {
  readonly native: Consumer;
  private readonly engine: ConsumerEngine;
  private readonly busyHeartbeat: BusyHeartbeat;
  // What the group gave this member at its last join, as topic:partition.
  private owned = new Set<string>();
  private joined?: () => void;

  get forHandlers(): Consumer {
    return this.native;
  }

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: ResolvedKafkaOptions,
    private readonly logger: Logger,
    private readonly spec: ConsumerSpec,
  ) {
    const assigners = spec.replyPartitions ? { partitionAssigners: [replyPartitionAssigner(spec.replyPartitions)] } : {};
    const run = settings.raw.run as { autoCommit?: boolean; partitionsConsumedConcurrently?: number } | undefined;
    this.native = kafka.consumer({ ...assigners, maxWaitTimeInMs: FETCH_MAX_WAIT_MS, ...(settings.consumer as Partial<ConsumerConfig>), groupId: spec.groupId });
    this.busyHeartbeat = new BusyHeartbeat(settings.consumer.heartbeatInterval ?? KAFKAJS_CONSUMER_DEFAULTS.heartbeatInterval);
    const pause = this.native.pause.bind(this.native);
    const resume = this.native.resume.bind(this.native);
    this.engine = new ConsumerEngine(
      (record, controls) => this.busyHeartbeat.around(spec.onRecord(record, controls), controls.heartbeat),
      {
        commit: (offsets) => this.native.commitOffsets(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: offset.toString() }))),
        pause: (topic, partition) => pause([{ topic, partitions: [partition] }]),
        resume: (topic, partition, from) => {
          try {
            if (from !== undefined) this.native.seek({ topic, partition, offset: from.toString() });
          } catch (error) {
            // Not running (kafkajs restarts it after a crash): it joins again and reads from the last commit.
            logger.warn(`${topic}[${partition}] could not be read again from ${from}: ${(error as Error).message}`);
          } finally {
            resume([{ topic, partitions: [partition] }]);
          }
        },
        guard: { owns: (topic, partition) => this.owned.has(`${topic}:${partition}`), rebalanced: () => undefined },
      },
      {
        concurrency: run?.partitionsConsumedConcurrently,
        maxBacklog: MAX_BACKLOG,
        partitionBacklog: PARTITION_BACKLOG,
        commit: run?.autoCommit !== false,
        orderingOf: spec.orderingOf,
        batchOf: spec.batchOf,
        runBatch: spec.onBatch && ((records, controls) => this.busyHeartbeat.around(spec.onBatch!(records, controls), controls.heartbeat)),
      },
      logger,
    );
    // A handler's pause (context.getConsumer().pause) goes through the engine, which also puts back
    // what it had of the partition and not started; a whole topic is paused as kafkajs does it.
    this.native.pause = (topics) => this.eachPartition(topics, (topic, partition) => this.engine.pauseByHandler(topic, partition), pause);
    this.native.resume = (topics) => this.eachPartition(topics, (topic, partition) => this.engine.resumeByHandler(topic, partition), resume);
    if (spec.status) watchConsumerStatus(this.native, spec.status);
    this.native.on(this.native.events.REBALANCING, () => this.rebalancing());
    this.native.on(this.native.events.GROUP_JOIN, ({ payload }) => this.groupJoined(payload.memberAssignment));
  }

  async start(): Promise<void> {
    const { spec, settings } = this;
    // Created before the first metadata request names them: asking for a missing topic makes the
    // broker auto-create it, and kafkajs logs the race as errors a user should not have to read.
    const created = spec.createTopics && spec.topicsToCreate.length > 0 ? ensureTopics(this.kafka, spec.topicsToCreate, this.logger) : undefined;
    created?.catch(() => undefined);
    await this.native.connect();
    await created;
    if (spec.topics.length === 0) return;
    const subscription = { ...(settings.raw.subscribe as Omit<ConsumerSubscribeTopics, 'topics'>), topics: spec.topics };
    await subscribeCreatingMissing(this.native, this.kafka, subscription, spec.createTopics, this.logger);
    const joined = firstGroupJoin(this.native);
    // The engine commits; kafkajs's resolved offsets only say where to fetch next.
    const run = { ...(settings.raw.run as Omit<ConsumerRunConfig, 'eachMessage' | 'eachBatch'>), autoCommit: false, eachBatchAutoResolve: false };
    this.busyHeartbeat.start();
    await this.native.run({ ...run, eachBatch: (payload) => this.deliver(payload) });
    await joined;
  }

  async stop(drain?: StopDrain): Promise<void> {
    // Records that finish while the engine stops are committed before the member leaves its group;
    // kafkajs fetches on meanwhile (refused), so the member keeps heartbeating.
    await this.engine.stop(drain);
    this.busyHeartbeat.stop();
    this.joined?.();
    await this.native.disconnect();
  }

  // One member per instance, reading every topic the instance reads.
  async groupSize(): Promise<number> {
    return (await this.native.describeGroup()).members.length;
  }

  commitOffsets(offsets: { topic: string; partition: number; offset: string; metadata?: string | null }[]): Promise<void> {
    return this.native.commitOffsets(offsets);
  }

  private async deliver({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const controls = { heartbeat };
    for (const message of batch.messages) {
      // Stale: the partition was sought back (a record sent back): the fetch after the seek brings it.
      if (!isRunning() || isStale()) return;
      if (!this.engine.offer(toConsumedRecord(message, topic, partition), controls)) return;
      resolveOffset(message.offset);
      const room = this.engine.room();
      if (room) await room;
    }
  }

  /** Commits what finished before the partitions may move, and starts no record until the member joined again. */
  private rebalancing(): void {
    void this.engine.flush();
    // kafkajs says it again at each try to rejoin (a broker restarting): the hold already waits for the join.
    if (this.joined) return;
    const joined = new Promise<void>((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.joined = undefined;
        resolve();
      };
      const timer = setTimeout(end, REBALANCE_HOLD_MAX_MS);
      this.joined = end;
    });
    this.engine.holdStarts(joined);
  }

  private groupJoined(assignment: Record<string, number[]>): void {
    this.owned = new Set(Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((partition) => `${topic}:${partition}`)));
    this.engine.retain((topic, partition) => this.owned.has(`${topic}:${partition}`));
    this.joined?.();
    this.spec.onAssignment?.(assignment, { settled: true });
  }

  private eachPartition(topics: PauseTopics, one: (topic: string, partition: number) => void, wholeTopics: (topics: PauseTopics) => void): void {
    const whole = topics.filter(({ partitions }) => partitions === undefined);
    if (whole.length > 0) wholeTopics(whole);
    for (const { topic, partitions } of topics) for (const partition of partitions ?? []) one(topic, partition);
  }
}
