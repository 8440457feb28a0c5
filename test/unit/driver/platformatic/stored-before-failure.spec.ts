import { MultipleErrors, ResponseError } from '@platformatic/kafka';
import { isStaleMetadata } from '../../../../src/driver/platformatic/stale-metadata.js';
import { storedBeforeFailure } from '../../../../src/driver/platformatic/stored-before-failure.js';

const PRODUCE = 0;
const NOT_LEADER_OR_FOLLOWER = 6;

/**
 * A send to `topic` failed as platformatic reports it: partitions 1 and 0 went to one broker, which
 * stored 1 and refused 0 (its leader had moved) on every retry; partition 2, at another broker, was stored.
 */
function sendFailedOnPartitionZero(topic: string): MultipleErrors {
  const answer = {
    responses: [
      {
        name: topic,
        partitionResponses: [
          { index: 1, errorCode: 0, baseOffset: 1320n },
          { index: 0, errorCode: NOT_LEADER_OR_FOLLOWER, baseOffset: -1n },
        ],
      },
    ],
  };
  const refusal = () => new ResponseError(PRODUCE, 11, { '/responses/0/partition_responses/1': [NOT_LEADER_OR_FOLLOWER, null] }, answer);
  const retriesSpent = new MultipleErrors('produce failed 2 times.', [refusal(), refusal()]);
  const failure = new MultipleErrors('Producing messages failed.', [retriesSpent]);
  failure.produced = { offsets: [{ topic, partition: 2, offset: 700n }] };
  return failure;
}

describe('what a failed platformatic send still stored', () => {
  it("counts the partitions of other leaders and those the refusing leader's answers acknowledged", () => {
    const stored = storedBeforeFailure(sendFailedOnPartitionZero('orders'), 'orders');
    expect(stored.sort((a, b) => a.partition - b.partition)).toEqual([
      { topic: 'orders', partition: 1, offset: 1320n },
      { topic: 'orders', partition: 2, offset: 700n },
    ]);
  });

  it('counts nothing of another topic, nor of an error that is not a send failure', () => {
    expect(storedBeforeFailure(sendFailedOnPartitionZero('orders'), 'payments')).toEqual([]);
    expect(storedBeforeFailure(new Error('Connection closed'), 'orders')).toEqual([]);
    expect(storedBeforeFailure(undefined, 'orders')).toEqual([]);
  });

  it("sees the moved leader in the refusal, however deep platformatic's retries nest it", () => {
    expect(isStaleMetadata(sendFailedOnPartitionZero('orders'))).toBe(true);
    expect(isStaleMetadata(new MultipleErrors('produce failed 1 times.', [new Error('Connection closed')]))).toBe(false);
  });
});
