import type { Logger } from '@nestjs/common';
import { Admin, consumerGroupDescribeV0, FindCoordinatorKeyTypes, kGetConnection, type Connection } from '@platformatic/kafka';
import { TopicMissingError } from '../../errors/topic-missing.error.js';
import { waitFor } from '../../polling/wait-for.js';
import type { PlatformaticBase } from './platformatic-options.js';

// How long every answer must agree before a topic counts as known to all brokers of a cluster.
const METADATA_SETTLE_MS = 300;

/** Topic and group questions, asked through one admin client that lives as long as the driver. */
export class PlatformaticTopics {
  private admin?: Admin;

  constructor(
    private readonly base: PlatformaticBase,
    private readonly logger: Logger,
  ) {}

  async list(): Promise<string[]> {
    return this.client().listTopics();
  }

  /**
   * Creates the topics that do not exist yet, with the broker's default partition count, and waits
   * until every partition has a leader. Without the right to create topics it warns and goes on.
   */
  async ensure(topics: string[]): Promise<void> {
    if (topics.length === 0) return;
    try {
      const existing = new Set(await this.list());
      const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
      if (missing.length === 0) return;
      await this.client()
        .createTopics({ topics: missing })
        .catch((error: unknown) => {
          // Another instance may have created them in between.
          if (!/TOPIC_ALREADY_EXISTS|already exists/i.test(describe(error))) throw error;
        });
      await this.waitForLeaders(missing);
      this.logger.log(`created topic(s) ${missing.join(', ')}`);
    } catch (error) {
      this.logger.warn(`could not create topic(s) ${topics.join(', ')}: ${describe(error)}; subscribing anyway`);
    }
  }

  /** Fails with TopicMissingError for topics the broker does not host, or with its refusal (ACLs). */
  async requireExisting(topics: string[]): Promise<void> {
    try {
      await this.client().metadata({ topics, autocreateTopics: false, forceUpdate: true });
    } catch (error) {
      if (/UNKNOWN_TOPIC_OR_PARTITION|Unknown topic/i.test(describe(error))) throw new TopicMissingError(topics, error);
      throw error;
    }
  }

  async partitionCount(topic: string): Promise<number> {
    const metadata = await this.client().metadata({ topics: [topic], forceUpdate: true });
    return metadata.topics.get(topic)?.partitionsCount ?? 0;
  }

  async groupSize(groupId: string): Promise<number> {
    const groups = await this.client().describeGroups({ groups: [groupId] });
    return groups.get(groupId)?.members.size ?? 0;
  }

  /**
   * The members of a KIP-848 group that read `topic`. Such a group answers ConsumerGroupDescribe
   * only, which platformatic's Admin does not offer, so it is asked here at the group's coordinator
   * with platformatic's own request and connection (with the client's TLS and SASL).
   */
  async consumerGroupSize(groupId: string, topic: string): Promise<number> {
    const admin = this.client();
    const [coordinator] = await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [groupId] });
    const connection = await new Promise<Connection>((resolve, reject) => admin[kGetConnection](coordinator, (error, opened) => (error ? reject(error) : resolve(opened!))));
    const { groups } = await consumerGroupDescribeV0.api.async(connection, [groupId], false);
    const members = groups.find((group) => group.groupId === groupId)?.members ?? [];
    return members.filter((member) => member.subscribedTopicNames.includes(topic)).length;
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin && !admin.closed) await admin.close();
  }

  private client(): Admin {
    this.admin ??= new Admin({ ...this.base, clientId: `${this.base.clientId}-admin` } as ConstructorParameters<typeof Admin>[0]);
    return this.admin;
  }

  private async waitForLeaders(topics: string[]): Promise<void> {
    const admin = this.client();
    const settleMs = (await admin.metadata({ topics: [] })).brokers.size > 1 ? METADATA_SETTLE_MS : 0;
    let goodSince: number | undefined;
    await waitFor(
      async () => {
        const metadata = await admin.metadata({ topics, forceUpdate: true }).catch(() => undefined);
        const led = metadata !== undefined && topics.every((topic) => {
          const partitions = metadata.topics.get(topic)?.partitions ?? [];
          return partitions.length > 0 && partitions.every((partition) => partition.leader >= 0);
        });
        if (!led) goodSince = undefined;
        else goodSince ??= Date.now();
        return goodSince !== undefined && Date.now() - goodSince >= settleMs;
      },
      { timeoutMs: 30_000, intervalMs: 50, what: `leaders for ${topics.join(', ')}` },
    );
  }
}

/** An error's text, including the errors platformatic aggregates into one. */
export function describe(error: unknown): string {
  const { message, errors } = (error ?? {}) as { message?: string; errors?: unknown[] };
  const inner = Array.isArray(errors) ? errors.map(describe).join('; ') : '';
  return inner ? `${message ?? ''} (${inner})` : (message ?? String(error));
}
