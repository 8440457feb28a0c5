import { waitFor } from '../polling/wait-for.js';

/** A topic to create, as kafkajs's ITopicConfig has it. */
export interface TopicToCreate {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  configEntries?: { name: string; value: string }[];
}

/**
 * The admin calls used here, as kafkajs's Admin has them: written out, so that the test kit's
 * declarations, which export this, do not name kafkajs (a platformatic project may not have it).
 */
export interface LeaderAwareAdmin {
  createTopics(options: { topics: TopicToCreate[]; waitForLeaders?: boolean }): Promise<boolean>;
  describeCluster(): Promise<{ brokers: unknown[] }>;
  fetchTopicMetadata(options: { topics: string[] }): Promise<{ topics: { partitions: { leader: number }[] }[] }>;
}

// How long every answer must agree before a topic counts as known to all brokers of a cluster.
const METADATA_SETTLE_MS = 300;

/**
 * Creates topics and waits until every partition has a leader. kafkajs's own `waitForLeaders`
 * retries only LEADER_NOT_AVAILABLE, but a KRaft broker that has not yet seen a new topic answers
 * UNKNOWN_TOPIC_OR_PARTITION (seen on three-node clusters), so the wait is done here, by polling.
 * kafkajs asks a random broker each time, so on a cluster of several brokers one good answer does
 * not mean all know the topic: the answers must stay good for a short while.
 */
export async function createTopicsWithLeaders(admin: LeaderAwareAdmin, topics: TopicToCreate[], timeoutMs = 30_000): Promise<boolean> {
  const created = await admin.createTopics({ topics, waitForLeaders: false });
  const names = topics.map((topic) => topic.topic);
  const settleMs = (await admin.describeCluster()).brokers.length > 1 ? METADATA_SETTLE_MS : 0;
  let goodSince: number | undefined;
  await waitFor(
    async () => {
      try {
        const metadata = await admin.fetchTopicMetadata({ topics: names });
        const led = metadata.topics.every((topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0));
        if (!led) goodSince = undefined;
        else goodSince ??= Date.now();
      } catch (error) {
        goodSince = undefined;
        throw error;
      }
      return goodSince !== undefined && Date.now() - goodSince >= settleMs;
    },
    { timeoutMs, intervalMs: 50, what: `leaders for ${names.join(', ')}` },
  );
  return created;
}
