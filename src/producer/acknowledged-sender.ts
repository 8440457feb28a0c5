import type { Logger } from '@nestjs/common';
import type { Message, Producer, ProducerRecord, RecordMetadata } from 'kafkajs';
import { UnacknowledgedMessagesError } from '../errors/unacknowledged-messages.error.js';
import { PartitionPins } from './partition-pins.js';

/** What a send takes besides topic and messages (`acks`, `timeout`, `compression`). */
export type SendSettings = Omit<ProducerRecord, 'topic' | 'messages'>;

// Rounds of sending what is still unacknowledged before the caller is told; each round is a whole
// kafkajs send with its own retries, so reaching the bound means the partition really has no leader.
const MAX_SEND_ROUNDS = 5;

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
  ) {}

  async send(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
    // acks -1 unless the user chose otherwise: acknowledged means held by every in-sync replica.
    const record = { acks: -1, ...this.settings, topic };
    // With acks 0 the broker answers nothing, so there is nothing to read.
    if (record.acks === 0) return this.producer().send({ ...record, messages });
    const acknowledged: RecordMetadata[] = [];
    let pending = messages;
    try {
      for (let round = 1; ; round += 1) {
        const metadata = await this.producer().send({ ...record, messages: pending });
        acknowledged.push(...metadata);
        pending = this.unacknowledged(topic, pending, metadata);
        if (pending.length === 0) return acknowledged;
        const partitions = [...new Set(pending.map((message) => this.pins.partitionOf(message) ?? -1))].sort((a, b) => a - b);
        if (round === MAX_SEND_ROUNDS) throw new UnacknowledgedMessagesError(topic, partitions, pending.length);
        this.logger.warn(`the broker's answer to a send to "${topic}" lacked partition(s) ${partitions.join(', ')} (a leader moved): sending their ${pending.length} message(s) again`);
      }
    } finally {
      this.pins.release(messages);
    }
  }

  private unacknowledged(topic: string, messages: Message[], metadata: RecordMetadata[]): Message[] {
    const stored = new Set(metadata.filter((entry) => entry.topicName === topic && entry.errorCode === 0).map((entry) => entry.partition));
    return messages.filter((message) => {
      const partition = this.pins.partitionOf(message);
      return partition === undefined || !stored.has(partition);
    });
  }
}
