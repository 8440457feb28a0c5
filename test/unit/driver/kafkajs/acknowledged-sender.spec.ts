import type { OutgoingKafkaMessage } from '../../../../src/codec/outgoing-message.js';
import { sendAll } from '../../../../src/producer/send-all.js';
import { Logger } from '@nestjs/common';
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, Partitioners, type Message, type PartitionerArgs, type Producer, type ProducerRecord, type RecordMetadata } from 'kafkajs';
import { UnacknowledgedMessagesError } from '../../../../src/errors/unacknowledged-messages.error.js';
import { AcknowledgedSender } from '../../../../src/driver/kafkajs/acknowledged-sender.js';
import { MAX_SEND_ROUNDS } from '../../../../src/driver/send-in-rounds.js';

/** A broker's refusal as kafkajs raises it (its protocol errors carry type and retriable). */
const protocolError = (type: string, retriable: boolean) => new KafkaJSProtocolError({ message: type, type, retriable } as unknown as Error);

const PARTITIONS: PartitionerArgs['partitionMetadata'] = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));

/**
 * A producer that partitions as kafkajs does (its partitioner asked on every attempt) and stores
 * what it sends, but leaves out of its answer, and does not store, the partitions `dropped` names
 * for a given send: what kafkajs 2.2.4 does when a partition's leader moves mid-send.
 */
function flakyProducer(sender: () => AcknowledgedSender, dropped: (sendNumber: number) => number[]) {
  const stored = new Map<number, unknown[]>();
  const sends: ProducerRecord[] = [];
  let partitioner: ((args: PartitionerArgs) => number) | undefined;
  const producer = {
    send: async (record: ProducerRecord): Promise<RecordMetadata[]> => {
      partitioner ??= sender().pins.wrap(Partitioners.DefaultPartitioner)();
      sends.push(record);
      const skip = dropped(sends.length);
      // Partitioned twice, as a retried kafkajs send does: keyless messages would move without a pin.
      for (const message of record.messages) partitioner({ topic: record.topic, partitionMetadata: PARTITIONS, message });
      const byPartition = new Map<number, Message[]>();
      for (const message of record.messages) {
        const partition = partitioner({ topic: record.topic, partitionMetadata: PARTITIONS, message });
        byPartition.set(partition, [...(byPartition.get(partition) ?? []), message]);
      }
      // Like kafkajs, a partition the metadata does not know is left out without an error.
      const answered = [...byPartition.keys()].filter((partition) => partition < PARTITIONS.length && !skip.includes(partition));
      for (const partition of answered) stored.set(partition, [...(stored.get(partition) ?? []), ...byPartition.get(partition)!.map((m) => m.value)]);
      return answered.map((partition) => ({ topicName: record.topic, partition, errorCode: 0 }));
    },
  } as unknown as Producer;
  return { producer, stored, sends };
}

const threePartitions = async () => PARTITIONS.length;
const numbered = (count: number): OutgoingKafkaMessage[] => Array.from({ length: count }, (_, n) => ({ value: String(n), headers: {} }));
const allStored = (stored: Map<number, unknown[]>) => [...stored.values()].flat().map(Number).sort((a, b) => a - b);
/** Keeps warnings instead of printing them. */
class RecordingLogger extends Logger {
  readonly warnings: string[] = [];
  override warn(message: unknown): void {
    this.warnings.push(String(message));
  }
}
const quietLogger = () => {
  const logger = new RecordingLogger('test');
  return { logger, warnings: logger.warnings };
};

describe('AcknowledgedSender', () => {
  it('sends again, to the same partition, the messages of a partition missing from the broker\'s answer', async () => {
    const { logger, warnings } = quietLogger();
    const fake = flakyProducer(() => sender, (sendNumber) => (sendNumber === 1 ? [0] : []));
    const sender = new AcknowledgedSender(() => fake.producer, undefined, logger, threePartitions);

    const metadata = await sendAll(sender, 'orders', numbered(30));

    expect(allStored(fake.stored)).toEqual(Array.from({ length: 30 }, (_, n) => n));
    expect(fake.sends.map((record) => record.messages.length)).toEqual([30, 10]);
    // Exactly the dropped partition's messages went again, and landed where they were first meant to.
    expect(fake.stored.get(0)).toEqual(fake.sends[1].messages.map((message) => message.value));
    expect(new Set(metadata.map((entry) => entry.partition))).toEqual(new Set([0, 1, 2]));
    expect(warnings).toEqual([expect.stringContaining('lacked partition(s) 0')]);
  });

  it('asks for acks from all in-sync replicas unless the user chose otherwise', async () => {
    const fake = flakyProducer(() => sender, () => []);
    const sender = new AcknowledgedSender(() => fake.producer, { timeout: 1000 }, quietLogger().logger, threePartitions);
    await sendAll(sender, 'orders', numbered(1));
    expect(fake.sends[0]).toMatchObject({ acks: -1, timeout: 1000 });
  });

  it('fails with UnacknowledgedMessagesError, naming topic and partition, when a partition is never acknowledged', async () => {
    expect.assertions(3);
    const fake = flakyProducer(() => sender, () => [2]);
    const sender = new AcknowledgedSender(() => fake.producer, undefined, quietLogger().logger, threePartitions);
    try {
      await sendAll(sender, 'orders', numbered(6));
    } catch (error) {
      expect(error).toBeInstanceOf(UnacknowledgedMessagesError);
      expect((error as UnacknowledgedMessagesError).message).toContain('2 message(s) to "orders" partition(s) 2');
      expect(fake.sends).toHaveLength(5);
    }
  });

  it('repartitions a message object sent again later, once its earlier send settled', async () => {
    const fake = flakyProducer(() => sender, () => []);
    const sender = new AcknowledgedSender(() => fake.producer, undefined, quietLogger().logger, threePartitions);
    const message: OutgoingKafkaMessage = { value: 'again', headers: {} };
    await sendAll(sender, 'orders', [message]);
    expect(sender.pins.partitionOf(message)).toBeUndefined();
    await sendAll(sender, 'orders', [message]);
    expect([...fake.stored.values()].filter((values) => values.length > 0)).toHaveLength(2);
  });

  it('fails at once with PartitionOutOfRangeError for a partition the topic does not have, which kafkajs drops silently', async () => {
    const fake = flakyProducer(() => sender, () => []);
    const sender = new AcknowledgedSender(() => fake.producer, undefined, quietLogger().logger, threePartitions);
    await expect(sendAll(sender, 'replies', [{ value: 'a', partition: 99, headers: {} }, { value: 'b', partition: 1, headers: {} }])).rejects.toMatchObject({
      code: 'KAFKA_PARTITION_OUT_OF_RANGE',
      message: expect.stringContaining('"replies" partition(s) 99: the topic has 3 partition(s)'),
    });
    expect(fake.sends).toHaveLength(1);
  });

  it('sends again when the partition count cannot be had while a leader moves, instead of failing callers already stored', async () => {
    const fake = flakyProducer(() => sender, (sendNumber) => (sendNumber === 1 ? [1] : []));
    const sender = new AcknowledgedSender(() => fake.producer, undefined, quietLogger().logger, async () => {
      throw new Error('no broker answers metadata right now');
    });
    await expect(sendAll(sender, 'orders', numbered(9))).resolves.toBeDefined();
    expect(allStored(fake.stored)).toEqual(Array.from({ length: 9 }, (_, n) => n));
  });

  describe('when kafkajs gives up on a whole send', () => {
    const gaveUp = (cause: Error) => new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 5, retryTime: 3200 });
    const notLeader = () => protocolError('NOT_LEADER_FOR_PARTITION', true);
    /** The fake producer, failing its first `failures` sends with `error()` before it stores anything. */
    const failingFirst = (failures: number, error: () => Error) => {
      const fake = flakyProducer(() => sender, () => []);
      const send = fake.producer.send.bind(fake.producer);
      let calls = 0;
      fake.producer.send = async (record) => (++calls <= failures ? Promise.reject(error()) : send(record));
      const waits: number[] = [];
      const sender = new AcknowledgedSender(() => fake.producer, undefined, quietLogger().logger, threePartitions, undefined, (round) => {
        waits.push(round);
        return 1;
      });
      return { fake, sender, waits, calls: () => calls };
    };

    it('sends everything again after a backoff when a leader was moving or a broker gone', async () => {
      for (const cause of [notLeader(), new KafkaJSConnectionError('Connection error: ECONNREFUSED')]) {
        const { fake, sender, waits } = failingFirst(2, () => gaveUp(cause));
        await expect(sendAll(sender, 'orders', numbered(6))).resolves.toBeDefined();
        expect(allStored(fake.stored)).toEqual([0, 1, 2, 3, 4, 5]);
        expect(waits).toEqual([1, 2]);
      }
    });

    it(`fails after ${MAX_SEND_ROUNDS} rounds with UnacknowledgedMessagesError (kafkajs's error as its cause), and at once for a missing topic or a refusal`, async () => {
      const endless = failingFirst(Number.POSITIVE_INFINITY, () => gaveUp(notLeader()));
      const failure = await sendAll(endless.sender, 'orders', numbered(2)).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UnacknowledgedMessagesError);
      expect((failure as Error).cause).toBeInstanceOf(KafkaJSNumberOfRetriesExceeded);
      expect(endless.calls()).toBe(MAX_SEND_ROUNDS);
      for (const [type, retriable] of [['UNKNOWN_TOPIC_OR_PARTITION', true], ['TOPIC_AUTHORIZATION_FAILED', false]] as const) {
        const refused = failingFirst(1, () => gaveUp(protocolError(type, retriable)));
        await expect(sendAll(refused.sender, 'orders', numbered(2))).rejects.toThrow(KafkaJSNumberOfRetriesExceeded);
        expect(refused.calls()).toBe(1);
      }
    });
  });
});
