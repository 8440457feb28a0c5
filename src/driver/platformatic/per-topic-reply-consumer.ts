import type { ConsumerSpec, DriverConsumer } from '../kafka-driver.interface.js';

type CommitOffsets = Parameters<DriverConsumer['commitOffsets']>[0];

/**
 * A client's reply consumer under KIP-848 when it reads several reply topics: one group member per
 * topic, all in the client's group. The broker's assignor then splits each topic among the members
 * that read it and keeps what each holds, so every client instance keeps a partition of every reply
 * topic while there are enough. One member reading all of them could be left holding one topic's
 * partitions and none of another's: the broker balances the count of partitions, not the topics.
 */
export class PerTopicReplyConsumer implements DriverConsumer {
  private readonly members: Map<string, DriverConsumer>;
  private readonly held = new Map<string, number[]>();
  private readonly first: DriverConsumer;

  constructor(spec: ConsumerSpec, topics: string[], member: (spec: ConsumerSpec) => DriverConsumer) {
    this.members = new Map(
      topics.map((topic) => [
        topic,
        member({
          ...spec,
          topics: [topic],
          topicsToCreate: spec.topicsToCreate.filter((name) => name === topic),
          onAssignment: (assignment, change) => {
            this.held.set(topic, assignment[topic] ?? []);
            spec.onAssignment?.(Object.fromEntries(this.held), change);
          },
        }),
      ]),
    );
    this.first = [...this.members.values()][0];
  }

  // Read through, not copied: a member that rejoins its group gets a new native consumer.
  get native(): unknown {
    return this.first.native;
  }

  get forHandlers(): unknown {
    return this.first.forHandlers;
  }

  async start(): Promise<void> {
    await Promise.all([...this.members.values()].map((member) => member.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.members.values()].map((member) => member.stop()));
  }

  groupSize(topic: string): Promise<number> {
    return this.first.groupSize(topic);
  }

  async commitOffsets(offsets: CommitOffsets): Promise<void> {
    await Promise.all(
      [...this.members].map(([topic, member]) => {
        const own = offsets.filter((offset) => offset.topic === topic);
        return own.length > 0 ? member.commitOffsets(own) : undefined;
      }),
    );
  }
}
