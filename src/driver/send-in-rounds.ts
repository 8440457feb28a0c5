import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@nestjs/common';
import type { RecordMetadata } from '../codec/kafka-record.js';
import type { OutgoingKafkaMessage } from '../codec/outgoing-message.js';
import { UnacknowledgedMessagesError } from '../errors/unacknowledged-messages.error.js';
import type { SendOutcome } from './kafka-driver.interface.js';

// Rounds of sending what is still unacknowledged before the caller is told; each round is a whole
// send with the driver's own retries, so reaching the bound means the partition really has no leader.
export const MAX_SEND_ROUNDS = 5;

/** What one send brought back: the broker's acknowledgements, and why the rest was not stored, when the driver knows. */
export interface RoundAnswer {
  metadata: RecordMetadata[];
  failure?: Error;
}

/** How a driver sends once, and what of its failures is worth another round. */
export interface SendRounds {
  topic: string;
  logger: Logger;
  /** The partition a record goes to: the same in every round (undefined where not known yet). */
  partitionOf(record: OutgoingKafkaMessage): number | undefined;
  /** Sends once; rejects to fail the whole send at once (a refusal the user must fix). */
  sendOnce(records: OutgoingKafkaMessage[]): Promise<RoundAnswer>;
  /** Whether a failed send is worth another round: a leader moving or a broker gone, not a refusal. */
  worthAnotherRound(failure: Error): boolean;
  /** Milliseconds to wait before round `round + 1` after round `round` failed. */
  backoff(round: number, failure: Error): number;
  /**
   * Takes out, into `refused`, the records that can never be stored (a partition the topic lacks),
   * once an answer without a failure still lacks some: what the driver cannot tell before sending.
   */
  screen?(pending: OutgoingKafkaMessage[], refused: Map<OutgoingKafkaMessage, Error>): Promise<OutgoingKafkaMessage[]>;
}

/** The distinct partitions of `records`, in order (-1 for a record whose partition is not known), for errors and logs. */
export function partitionsOf(records: OutgoingKafkaMessage[], partitionOf: (record: OutgoingKafkaMessage) => number | undefined): number[] {
  return [...new Set(records.map((record) => partitionOf(record) ?? -1))].sort((a, b) => a - b);
}

/**
 * Sends `records` to one topic until the broker acknowledged each one's partition, reading the
 * answer partition by partition and sending again what it lacks, in at most MAX_SEND_ROUNDS
 * rounds; what is still unacknowledged then is refused with UnacknowledgedMessagesError. A record
 * may thus be stored twice (a lost answer), never acknowledged and lost. Each driver's quirks stay
 * in its `sendOnce`: kafkajs leaves a partition whose leader moved out of its answer, platformatic
 * fails a whole send for one refused partition although others were stored.
 */
export async function sendInRounds(
  rounds: SendRounds,
  records: OutgoingKafkaMessage[],
  refused = new Map<OutgoingKafkaMessage, Error>(),
): Promise<SendOutcome> {
  const { topic, logger } = rounds;
  const metadata: RecordMetadata[] = [];
  let pending = records;
  let screened = rounds.screen === undefined;
  for (let round = 1; pending.length > 0; round += 1) {
    const { metadata: answered, failure } = await rounds.sendOnce(pending);
    const stored = new Set<number>();
    for (const entry of answered) {
      if (entry.topicName !== topic || entry.errorCode !== 0) continue;
      stored.add(entry.partition);
      metadata.push(entry);
    }
    pending = pending.filter((record) => {
      const partition = rounds.partitionOf(record);
      return partition === undefined || !stored.has(partition);
    });
    if (!screened && failure === undefined && pending.length > 0) {
      screened = true;
      pending = await rounds.screen!(pending, refused);
    }
    if (pending.length === 0) break;
    const partitions = partitionsOf(pending, (record) => rounds.partitionOf(record));
    if ((failure !== undefined && !rounds.worthAnotherRound(failure)) || round === MAX_SEND_ROUNDS) {
      const error = new UnacknowledgedMessagesError(topic, partitions, pending.length, failure);
      for (const record of pending) refused.set(record, error);
      break;
    }
    if (failure === undefined) {
      logger.warn(`the broker's answer to a send to "${topic}" lacked partition(s) ${partitions.join(', ')} (a leader moved): sending their ${pending.length} message(s) again`);
      continue;
    }
    const wait = rounds.backoff(round, failure);
    logger.warn(`a send of ${pending.length} message(s) to "${topic}" failed while a broker was gone or a leader moving (${failure.message}): sending them again in ${wait} ms`);
    await sleep(wait);
  }
  return { metadata, refused };
}
