import { Logger } from '@nestjs/common';
import type { RecordMetadata } from '../../../src/codec/kafka-record.js';
import type { OutgoingKafkaMessage } from '../../../src/codec/outgoing-message.js';
import { MAX_SEND_ROUNDS, sendInRounds, type RoundAnswer, type SendRounds } from '../../../src/driver/send-in-rounds.js';
import { UnacknowledgedMessagesError } from '../../../src/errors/unacknowledged-messages.error.js';

const quiet = new (class extends Logger {
  override warn(): void {}
})('test');

/** Records 0..count-1, record n on partition n % 3. */
const records = (count: number): OutgoingKafkaMessage[] => Array.from({ length: count }, (_, n) => ({ value: String(n), partition: n % 3, headers: {} }));
const ack = (partition: number): RecordMetadata => ({ topicName: 'orders', partition, errorCode: 0, baseOffset: '0', offset: '0' });

/** Rounds whose sends answer as `answers` says, one per round, recording what each round sent. */
function scripted(answers: ((sent: OutgoingKafkaMessage[]) => RoundAnswer)[], worth = (failure: Error) => failure.message === 'leader moved') {
  const sent: string[][] = [];
  const waits: number[] = [];
  const rounds: SendRounds = {
    topic: 'orders',
    logger: quiet,
    partitionOf: (record) => record.partition,
    sendOnce: async (batch) => {
      sent.push(batch.map((record) => String(record.value)));
      return answers[Math.min(sent.length, answers.length) - 1](batch);
    },
    worthAnotherRound: worth,
    backoff: (round) => (waits.push(round), 0),
  };
  return { rounds, sent, waits };
}

describe('sendInRounds', () => {
  it('sends again only the partitions an answer lacked, and resolves with every acknowledgement', async () => {
    const { rounds, sent } = scripted([() => ({ metadata: [ack(0), ack(2)] }), () => ({ metadata: [ack(1)] })]);
    const outcome = await sendInRounds(rounds, records(6));
    expect(sent).toEqual([['0', '1', '2', '3', '4', '5'], ['1', '4']]);
    expect(outcome.metadata.map((entry) => entry.partition).sort()).toEqual([0, 1, 2]);
    expect(outcome.refused.size).toBe(0);
  });

  it('keeps what a failed send stored, and waits its backoff before sending the rest again', async () => {
    const { rounds, sent, waits } = scripted([() => ({ metadata: [ack(0)], failure: new Error('leader moved') }), () => ({ metadata: [ack(1), ack(2)] })]);
    const outcome = await sendInRounds(rounds, records(3));
    expect(sent).toEqual([['0', '1', '2'], ['1', '2']]);
    expect(waits).toEqual([1]);
    expect(outcome.refused.size).toBe(0);
  });

  it('refuses the rest at once, with the failure as cause, when a failure is not worth another round', async () => {
    const refusal = new Error('not authorized');
    const { rounds, sent } = scripted([() => ({ metadata: [ack(2)], failure: refusal })]);
    const outcome = await sendInRounds(rounds, records(3));
    expect(sent).toHaveLength(1);
    const [error] = new Set(outcome.refused.values());
    expect(error).toBeInstanceOf(UnacknowledgedMessagesError);
    expect(error).toMatchObject({ partitions: [0, 1], messageCount: 2, cause: refusal });
    expect([...outcome.refused.keys()].map((record) => record.value)).toEqual(['0', '1']);
  });

  it(`refuses what is still unacknowledged after ${MAX_SEND_ROUNDS} rounds`, async () => {
    const { rounds, sent } = scripted([() => ({ metadata: [ack(0)] }), () => ({ metadata: [] })]);
    const outcome = await sendInRounds(rounds, records(2));
    expect(sent).toHaveLength(MAX_SEND_ROUNDS);
    expect([...outcome.refused.values()][0]).toMatchObject({ partitions: [1], messageCount: 1 });
  });

  it('screens once, after the first answer without a failure that lacks partitions', async () => {
    const screened: string[][] = [];
    const { rounds, sent } = scripted([() => ({ metadata: [], failure: new Error('leader moved') }), () => ({ metadata: [ack(0)] })]);
    rounds.screen = async (pending, refused) => {
      screened.push(pending.map((record) => String(record.value)));
      for (const record of pending) refused.set(record, new Error('no such partition'));
      return [];
    };
    const outcome = await sendInRounds(rounds, records(2));
    expect(screened).toEqual([['1']]);
    expect(sent).toHaveLength(2);
    expect([...outcome.refused.values()][0].message).toBe('no such partition');
  });
});
