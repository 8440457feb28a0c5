import type { Consumer } from 'kafkajs';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { createTopics, testKafka } from '../../support/test-kafka.js';

describe('a consumer group on the test broker', () => {
  const kafka = testKafka();
  const consumers: Consumer[] = [];

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((consumer) => consumer.disconnect()));
  });

  it('splits a topic\'s partitions between its two members, each partition to exactly one', async () => {
    const topic = uniqueTopic('split');
    const groupId = uniqueGroupId();
    await createTopics(kafka, [topic], 4);

    const assignments = new Map<number, number[]>();
    for (const member of [0, 1]) {
      const consumer = kafka.consumer({ groupId });
      consumers.push(consumer);
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        assignments.set(member, payload.memberAssignment[topic] ?? []);
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({ eachMessage: async () => undefined });
    }

    // The first member's first join saw the whole topic; wait for the rebalance that admits the second.
    await waitFor(
      () => {
        const [first = [], second = []] = [assignments.get(0), assignments.get(1)];
        return first.length > 0 && second.length > 0 && first.length + second.length === 4;
      },
      { timeoutMs: 45_000, what: 'both members to hold partitions' },
    );
    const all = [...assignments.get(0)!, ...assignments.get(1)!].sort();
    expect(all).toEqual([0, 1, 2, 3]);
  });
});
