import type { Logger } from '@nestjs/common';
import { murmur2, Producer, type MessageToProduce } from '@platformatic/kafka';
import type { OutgoingKafkaMessage } from '../../codec/outgoing-message.js';
import { KafkaTransportError } from '../../errors/kafka-transport.error.js';
import { PartitionOutOfRangeError } from '../../errors/partition-out-of-range.error.js';
import { KafkaStatus } from '../../kafka-status.enum.js';
import type { DriverProducer, SendOutcome, StatusSink } from '../kafka-driver.interface.js';
import { MAX_SEND_ROUNDS, partitionsOf, sendInRounds } from '../send-in-rounds.js';
import type { PlatformaticSettings } from './platformatic-options.js';
import { toPlatformaticMessage } from './platformatic-records.js';
import { isStaleMetadata } from './stale-metadata.js';
import { storedBeforeFailure, type ProduceOffset } from './stored-before-failure.js';

// Java's and kafkajs's murmur2 partitioning: a key lands where the built-in transport puts it.
const POSITIVE = 0x7fffffff;

/**
 * A platformatic producer with the transport's delivery rules. Each record's partition is chosen
 * here, before the send, as kafkajs's default partitioner chooses it (murmur2 of the key, round-robin
 * without one): platformatic's own default is not Java-compatible, and it silently wraps a partition
 * the topic does not have onto one it has, which here is refused instead. The answer is then read
 * partition by partition, and what it lacks is sent again: at least once, never acknowledged and lost.
 */
export class PlatformaticProducer implements DriverProducer {
  readonly native: Producer;
  private readonly roundRobin = new Map<string, number>();
  private connected = false;

  constructor(
    private readonly settings: PlatformaticSettings,
    private readonly logger: Logger,
    // Turns a refusal the user can fix (ACLs, credentials) into the typed error naming the topic.
    private readonly explain: (error: unknown, topic: string) => unknown,
    private readonly status?: StatusSink,
  ) {
    this.native = new Producer<Buffer, Buffer, Buffer, Buffer>({ ...settings.base, ...settings.producer } as ConstructorParameters<typeof Producer<Buffer, Buffer, Buffer, Buffer>>[0]);
  }

  async connect(): Promise<void> {
    // platformatic connects on first use; a metadata request now makes a bad address or credential fail here.
    await this.native.metadata({ topics: [] });
    this.connected = true;
    this.status?.next(KafkaStatus.CONNECTED);
  }

  async disconnect(): Promise<void> {
    if (this.native.closed) return;
    await this.native.close();
    if (this.connected) this.status?.next(KafkaStatus.DISCONNECTED);
  }

  async send(topic: string, records: OutgoingKafkaMessage[]): Promise<SendOutcome> {
    try {
      return await this.sendUntilStored(topic, records);
    } catch (error) {
      throw error instanceof KafkaTransportError ? error : this.explain(error, topic);
    }
  }

  private async sendUntilStored(topic: string, records: OutgoingKafkaMessage[]): Promise<SendOutcome> {
    const refused = new Map<OutgoingKafkaMessage, Error>();
    const count = await this.partitionCount(topic, records);
    const partitionOf = new Map<OutgoingKafkaMessage, number>();
    const outside: OutgoingKafkaMessage[] = [];
    for (const record of records) {
      const partition = record.partition ?? this.choosePartition(topic, record, count);
      if (partition < 0 || partition >= count) outside.push(record);
      else partitionOf.set(record, partition);
    }
    if (outside.length > 0) {
      const error = new PartitionOutOfRangeError(topic, partitionsOf(outside, (record) => record.partition), count);
      for (const record of outside) refused.set(record, error);
    }
    const pending = records.filter((record) => partitionOf.has(record));
    if (this.settings.send.acks === 0) {
      // The broker answers nothing, so there is nothing to read, as on kafkajs.
      const { failure } = await this.sendRound(topic, pending, partitionOf);
      if (failure) throw failure;
      return { metadata: [], refused };
    }
    return sendInRounds(
      {
        topic,
        logger: this.logger,
        partitionOf: (record) => partitionOf.get(record),
        sendOnce: async (batch) => {
          const { offsets, failure } = await this.sendRound(topic, batch, partitionOf);
          // A refused partition may be listed too, at offset -1.
          const stored = offsets.filter((entry) => entry.topic === topic && entry.offset >= 0n);
          return { metadata: stored.map(({ partition, offset }) => ({ topicName: topic, partition, errorCode: 0, baseOffset: String(offset), offset: String(offset) })), failure };
        },
        // Only a leader that moved is worth another round: anything else already had platformatic's retries.
        worthAnotherRound: isStaleMetadata,
        // The user's backoff: the driver shortens only platformatic's own 'produce' retries.
        backoff: (round, failure) => this.settings.base.retryDelay(this.native, 'send round', round, MAX_SEND_ROUNDS, failure),
      },
      pending,
      refused,
    );
  }

  /** One send of `pending`: what the broker stored, and why the rest was not, when it says. */
  private async sendRound(topic: string, pending: OutgoingKafkaMessage[], partitionOf: Map<OutgoingKafkaMessage, number>): Promise<{ offsets: ProduceOffset[]; failure?: Error }> {
    const messages = pending.map((record) => toPlatformaticMessage(topic, record, partitionOf.get(record)!));
    try {
      const result = await this.native.send({ messages: messages as MessageToProduce[], acks: this.settings.send.acks, ...(this.settings.send.compression ? { compression: this.settings.send.compression } : {}) });
      return { offsets: result.offsets ?? [] };
    } catch (error) {
      // What the user can fix keeps its typed error.
      const explained = this.explain(error, topic);
      if (explained !== error) throw explained;
      return { offsets: storedBeforeFailure(error, topic), failure: error as Error };
    }
  }

  /** The topic's partition count, from metadata refreshed when a record names a partition beyond it. */
  private async partitionCount(topic: string, records: OutgoingKafkaMessage[]): Promise<number> {
    const countOf = async (forceUpdate: boolean) => (await this.native.metadata({ topics: [topic], forceUpdate })).topics.get(topic)?.partitionsCount ?? 0;
    const count = await countOf(false);
    const beyond = records.some((record) => record.partition !== undefined && record.partition >= count);
    // A cached count may predate partitions added since: ask again before refusing anything.
    return beyond ? countOf(true) : count;
  }

  private choosePartition(topic: string, record: OutgoingKafkaMessage, count: number): number {
    if (record.key !== null && record.key !== undefined) {
      const key = Buffer.isBuffer(record.key) ? record.key : Buffer.from(record.key);
      return (murmur2(key) & POSITIVE) % count;
    }
    const next = this.roundRobin.get(topic) ?? 0;
    this.roundRobin.set(topic, next + 1);
    return next % count;
  }
}
