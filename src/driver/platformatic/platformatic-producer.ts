import type { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { murmur2, Producer, type MessageToProduce } from '@platformatic/kafka';
import type { RecordMetadata } from '../../codec/kafka-record.js';
import type { OutgoingKafkaMessage } from '../../codec/outgoing-message.js';
import { KafkaTransportError } from '../../errors/kafka-transport.error.js';
import { PartitionOutOfRangeError } from '../../errors/partition-out-of-range.error.js';
import { UnacknowledgedMessagesError } from '../../errors/unacknowledged-messages.error.js';
import { KafkaStatus } from '../../kafka-status.enum.js';
import type { DriverProducer, SendOutcome, StatusSink } from '../kafka-driver.interface.js';
import type { PlatformaticSettings } from './platformatic-options.js';
import { toPlatformaticMessage } from './platformatic-records.js';
import { isStaleMetadata } from './stale-metadata.js';
import { storedBeforeFailure, type ProduceOffset } from './stored-before-failure.js';

// Rounds of sending what the broker's answer lacks before the caller is told.
const MAX_SEND_ROUNDS = 5;

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
      const error = new PartitionOutOfRangeError(topic, [...new Set(outside.map((record) => record.partition ?? -1))].sort((a, b) => a - b), count);
      for (const record of outside) refused.set(record, error);
    }
    const metadata: RecordMetadata[] = [];
    let pending = records.filter((record) => partitionOf.has(record));
    for (let round = 1; pending.length > 0; round += 1) {
      const { offsets, failure } = await this.sendRound(topic, pending, partitionOf);
      // acks 0: the broker answers nothing, so there is nothing to read.
      if (this.settings.send.acks === 0 && failure === undefined) return { metadata, refused };
      const stored = new Set<number>();
      for (const entry of offsets) {
        // A refused partition may be listed too, at offset -1.
        if (entry.topic !== topic || entry.offset < 0n) continue;
        stored.add(entry.partition);
        metadata.push({ topicName: topic, partition: entry.partition, errorCode: 0, baseOffset: String(entry.offset), offset: String(entry.offset) });
      }
      pending = pending.filter((record) => !stored.has(partitionOf.get(record)!));
      if (pending.length === 0) break;
      const partitions = [...new Set(pending.map((record) => partitionOf.get(record)!))].sort((a, b) => a - b);
      // Only a leader that moved is worth another round: anything else already had platformatic's retries.
      const again = failure === undefined || isStaleMetadata(failure);
      if (!again || round === MAX_SEND_ROUNDS) {
        const error = new UnacknowledgedMessagesError(topic, partitions, pending.length, failure);
        for (const record of pending) refused.set(record, error);
        break;
      }
      if (failure === undefined) {
        this.logger.warn(`the broker's answer to a send to "${topic}" lacked partition(s) ${partitions.join(', ')}: sending their ${pending.length} message(s) again`);
      } else {
        // The user's backoff: the driver shortens only platformatic's own 'produce' retries.
        await sleep(this.settings.base.retryDelay(this.native, 'send round', round, MAX_SEND_ROUNDS, failure));
      }
    }
    return { metadata, refused };
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
