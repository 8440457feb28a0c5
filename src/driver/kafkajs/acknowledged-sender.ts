import type { Logger } from '@nestjs/common';
import type { Producer, ProducerRecord } from 'kafkajs';
import type { OutgoingKafkaMessage } from '../../codec/outgoing-message.js';
import type { SendOutcome } from '../kafka-driver.interface.js';
import { partitionsOf, sendInRounds } from '../send-in-rounds.js';
import { PartitionOutOfRangeError } from '../../errors/partition-out-of-range.error.js';
import { PartitionPins } from './partition-pins.js';

/** What a send takes besides topic and messages (`acks`, `timeout`, `compression`). */
export type SendSettings = Omit<ProducerRecord, 'topic' | 'messages'>;

// What kafkajs retries because a broker went away or a leader is not known yet.
const BROKER_GONE = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSMetadataNotLoaded', 'KafkaJSBrokerNotFound', 'KafkaJSRequestTimeoutError']);

/**
 * True when kafkajs gave up on a whole send while a broker was gone or a leader moving: its producer
 * retries 5 times unless `producer.retry` says otherwise (about 6 s from 200 ms), less than the 9 s a
 * KRaft controller takes to fence a killed broker and move its leaders. A missing topic is not
 * waited for here: it fails with its own error at once.
 */
export function gaveUpWhileLeaderMoved(error: unknown): boolean {
  const { name, cause } = (error ?? {}) as { name?: string; cause?: { name?: string; retriable?: boolean; type?: string } };
  if (name !== 'KafkaJSNumberOfRetriesExceeded' || cause === undefined) return false;
  if (cause.type === 'UNKNOWN_TOPIC_OR_PARTITION') return false;
  return BROKER_GONE.has(cause.name ?? '') || (cause.name === 'KafkaJSProtocolError' && cause.retriable === true);
}

/**
 * Sends to one topic and resolves only when the broker acknowledged every message. kafkajs 2.2.4 can
 * resolve a send that spans several partitions although one partition's messages were never stored
 * (tulios/kafkajs#1303): when a partition's leader moves during the send to a broker that already
 * answered for other partitions of it, that partition is skipped on retry. So the partition of each
 * message is pinned, the acknowledgement is read partition by partition, and what it lacks is sent
 * again. A message may thus be stored twice (at least once), never acknowledged and lost.
 */
export class AcknowledgedSender {
  readonly pins = new PartitionPins();

  constructor(
    private readonly producer: () => Producer,
    private readonly settings: SendSettings | undefined,
    private readonly logger: Logger,
    // Asked only when an answer lacks partitions: kafkajs also drops, silently, messages for partitions that do not exist.
    private readonly partitionCount: (topic: string) => Promise<number>,
    // Turns a refusal the user can fix (ACLs, credentials) into the typed error naming the topic.
    private readonly explain: (error: unknown, topic: string) => unknown = (error) => error,
    // Milliseconds to wait before round `round + 1` after kafkajs gave up on round `round`.
    private readonly roundBackoff: (round: number) => number = () => 0,
  ) {}

  /**
   * Sends and says, message by message, which could not be stored and why, so that messages of
   * several callers sharing one send fail only for their own faults.
   */
  async send(topic: string, messages: OutgoingKafkaMessage[]): Promise<SendOutcome> {
    // acks -1 unless the user chose otherwise: acknowledged means held by every in-sync replica.
    const record = { acks: -1, ...this.settings, topic };
    try {
      // With acks 0 the broker answers nothing, so there is nothing to read.
      if (record.acks === 0) return { metadata: await this.producer().send({ ...record, messages }), refused: new Map() };
      return await this.sendUntilStored(record, messages);
    } catch (error) {
      throw this.explain(error, topic);
    } finally {
      this.pins.release(messages);
    }
  }

  private sendUntilStored(record: SendSettings & { topic: string }, messages: OutgoingKafkaMessage[]): Promise<SendOutcome> {
    const { topic } = record;
    return sendInRounds(
      {
        topic,
        logger: this.logger,
        partitionOf: (message) => this.pins.partitionOf(message),
        sendOnce: async (pending) => {
          try {
            return { metadata: await this.producer().send({ ...record, messages: pending }) };
          } catch (error) {
            // Nothing of this round is known to be stored: all of it goes again (stored twice at worst).
            if (gaveUpWhileLeaderMoved(error)) return { metadata: [], failure: error as Error };
            throw error;
          }
        },
        worthAnotherRound: () => true,
        backoff: (round) => this.roundBackoff(round),
        screen: (pending, refused) => this.refuseMissingPartitions(topic, pending, refused),
      },
      messages,
    );
  }

  /** Refuses the messages whose partition the topic does not have; returns the others. */
  private async refuseMissingPartitions(topic: string, pending: OutgoingKafkaMessage[], refused: Map<OutgoingKafkaMessage, Error>): Promise<OutgoingKafkaMessage[]> {
    // Asked while a leader may be moving: if the cluster cannot say, the messages are simply sent again.
    const count = await this.partitionCount(topic).catch(() => Number.POSITIVE_INFINITY);
    const outside = (message: OutgoingKafkaMessage) => (this.pins.partitionOf(message) ?? -1) >= count;
    const beyond = pending.filter(outside);
    if (beyond.length === 0) return pending;
    const error = new PartitionOutOfRangeError(topic, partitionsOf(beyond, (message) => this.pins.partitionOf(message)), count);
    for (const message of beyond) refused.set(message, error);
    return pending.filter((message) => !outside(message));
  }
}
