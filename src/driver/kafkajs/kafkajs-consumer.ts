import type { Logger } from '@nestjs/common';
import type { Consumer, ConsumerConfig, ConsumerRunConfig, ConsumerSubscribeTopics, EachBatchPayload, Kafka } from 'kafkajs';
import type { ResolvedKafkaOptions } from '../../options/resolve-options.js';
import type { ConsumerSpec, DriverConsumer } from '../kafka-driver.interface.js';
import { KAFKAJS_CONSUMER_DEFAULTS } from '../kafkajs-defaults.js';
import { BusyHeartbeat } from './busy-heartbeat.js';
import { toConsumedRecord } from './consumed-record.js';
import { ensureTopics } from './ensure-topics.js';
import { firstGroupJoin } from './first-group-join.js';
import { watchConsumerStatus } from './kafkajs-status.js';
import { RedeliveryRequested } from './redelivery-requested.js';
import { replyPartitionAssigner } from './reply-partition-assignor.js';
import { subscribeCreatingMissing } from './subscribe-creating-missing.js';

// consumer.maxWaitTimeInMs unless set: Kafka's own clients' fetch.max.wait.ms, where kafkajs waits
// 5 s. kafkajs's disconnect() sits out the fetch in flight, so an idle server took ~5 s to close;
// a fetch returns as soon as a record arrives, so only an idle member's fetches come more often.
const FETCH_MAX_WAIT_MS = 500;

/**
 * A kafkajs consumer driven by the port's per-record outcome. Records come through `eachBatch`,
 * walked here one at a time with what kafkajs's `eachMessage` does around each (resolve its offset
 * once handled, heartbeat, commit when due, stop at a pause or a rebalance), without a payload
 * object and closures per record. kafkajs commits what was resolved and fetches again from a
 * record the callback threw on, so `redeliver` is a throw here.
 */
export class KafkajsConsumer implements DriverConsumer {
  readonly native: Consumer;
  private readonly autoCommit: boolean;
  // kafkajs's paused() lists every assigned partition: asked after each record only once a pause was asked for.
  private everPaused = false;
  private readonly busyHeartbeat: BusyHeartbeat;

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
    this.autoCommit = (settings.raw.run as { autoCommit?: boolean } | undefined)?.autoCommit !== false;
    this.native = kafka.consumer({ ...assigners, maxWaitTimeInMs: FETCH_MAX_WAIT_MS, ...(settings.consumer as Partial<ConsumerConfig>), groupId: spec.groupId });
    this.busyHeartbeat = new BusyHeartbeat(settings.consumer.heartbeatInterval ?? KAFKAJS_CONSUMER_DEFAULTS.heartbeatInterval);
    const pause = this.native.pause.bind(this.native);
    this.native.pause = (topics) => {
      this.everPaused = true;
      pause(topics);
    };
    if (spec.status) watchConsumerStatus(this.native, spec.status);
    const { onAssignment } = spec;
    if (onAssignment) this.native.on(this.native.events.GROUP_JOIN, ({ payload }) => onAssignment(payload.memberAssignment, { settled: true }));
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
    // Offsets are resolved record by record: resolving a whole batch would skip what a stop or a
    // rebalance left unhandled.
    const run = { ...(settings.raw.run as Omit<ConsumerRunConfig, 'eachMessage' | 'eachBatch'>), eachBatchAutoResolve: false };
    this.busyHeartbeat.start();
    await this.native.run({ ...run, eachBatch: (payload) => this.deliver(payload) });
    await joined;
  }

  stop(): Promise<void> {
    this.busyHeartbeat.stop();
    return this.native.disconnect();
  }

  // One member per instance, reading every topic the instance reads.
  async groupSize(): Promise<number> {
    return (await this.native.describeGroup()).members.length;
  }

  commitOffsets(offsets: { topic: string; partition: number; offset: string; metadata?: string | null }[]): Promise<void> {
    return this.native.commitOffsets(offsets);
  }

  private async deliver({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const controls = { heartbeat };
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      const outcome = await this.busyHeartbeat.around(this.spec.onRecord(toConsumedRecord(message, topic, partition), controls), heartbeat);
      if (outcome === 'redeliver') throw new RedeliveryRequested(topic, partition, message.offset);
      resolveOffset(message.offset);
      await heartbeat();
      // commitOffsetsIfNecessary commits whatever autoCommit says; kafkajs's eachMessage asks it first.
      if (this.autoCommit) await commitOffsetsIfNecessary();
      // A handler may pause its partition through context.getConsumer(): the rest of the batch waits.
      if (this.isPaused(topic, partition)) return;
    }
  }

  private isPaused(topic: string, partition: number): boolean {
    return this.everPaused && this.native.paused().some((paused) => paused.topic === topic && paused.partitions.includes(partition));
  }
}
