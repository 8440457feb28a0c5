import type { Admin, ITopicConfig } from 'kafkajs';
import { waitFor } from '../polling/wait-for.js';

/**
 * Creates topics and waits until every partition has a leader. kafkajs's own `waitForLeaders`
 * retries only LEADER_NOT_AVAILABLE, but a KRaft broker that has not yet seen a new topic answers
 * UNKNOWN_TOPIC_OR_PARTITION (seen on three-node clusters), so the wait is done here, by polling.
 */
export async function createTopicsWithLeaders(admin: Admin, topics: ITopicConfig[], timeoutMs = 30_000): Promise<boolean> {
  const created = await admin.createTopics({ topics, waitForLeaders: false });
  const names = topics.map((topic) => topic.topic);
  await waitFor(
    async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: names });
      return metadata.topics.every((topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0));
    },
    { timeoutMs, intervalMs: 100, what: `leaders for ${names.join(', ')}` },
  );
  return created;
}
