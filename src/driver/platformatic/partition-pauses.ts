/** kafkajs's argument to `pause()` and `resume()`: a topic's listed partitions, or all of them. */
export type TopicPartitions = { topic: string; partitions?: number[] }[];

/** One topic's pauses, as kafkajs keeps them: all of it (but the partitions resumed since), or some partitions. */
interface TopicPauses {
  all: boolean;
  partitions: Set<number>;
  resumed: Set<number>;
}

/**
 * The partitions a handler paused through `context.getConsumer()`, with kafkajs's semantics (its
 * SubscriptionState): a topic without `partitions` pauses all of its partitions, a partition resumed
 * on its own is taken out of a paused topic, and pausing listed partitions ends a whole-topic pause.
 * platformatic pauses a whole stream only, so the consumer asks here before handling each record;
 * it also notes which partitions had records left unhandled while paused, since those are read
 * again from their last commit once resumed.
 */
export class PartitionPauses {
  private readonly topics = new Map<string, TopicPauses>();
  // Topic to the paused partitions whose records were left unhandled.
  private readonly heldBack = new Map<string, Set<number>>();

  pause(topicPartitions: TopicPartitions): void {
    for (const { topic, partitions } of checked(topicPartitions, 'pause')) {
      const state = this.state(topic);
      if (partitions === undefined) {
        state.partitions.clear();
        state.resumed.clear();
        state.all = true;
        continue;
      }
      for (const partition of partitions) {
        state.partitions.add(partition);
        state.resumed.delete(partition);
      }
      state.all = false;
    }
  }

  /** Resumes, and says whether a resumed partition had records left unhandled (to be read again). */
  resume(topicPartitions: TopicPartitions): boolean {
    for (const { topic, partitions } of checked(topicPartitions, 'resume')) {
      const state = this.state(topic);
      if (partitions === undefined) {
        this.topics.delete(topic);
        continue;
      }
      for (const partition of partitions) {
        state.partitions.delete(partition);
        if (state.all) state.resumed.add(partition);
      }
    }
    let reread = false;
    for (const [topic, partitions] of this.heldBack) {
      for (const partition of partitions) {
        if (this.isPaused(topic, partition)) continue;
        partitions.delete(partition);
        reread = true;
      }
      if (partitions.size === 0) this.heldBack.delete(topic);
    }
    return reread;
  }

  isPaused(topic: string, partition: number): boolean {
    if (this.topics.size === 0) return false;
    const state = this.topics.get(topic);
    return state !== undefined && ((state.all && !state.resumed.has(partition)) || state.partitions.has(partition));
  }

  /** Notes that a record of a paused partition was left unhandled. */
  holdBack(topic: string, partition: number): void {
    let partitions = this.heldBack.get(topic);
    if (!partitions) this.heldBack.set(topic, (partitions = new Set()));
    partitions.add(partition);
  }

  /** A new stream reads every partition from its last commit: nothing is held back any more. */
  reread(): void {
    this.heldBack.clear();
  }

  /** kafkajs's `paused()`: the paused partitions among those the member holds (topic to partitions). */
  paused(held: ReadonlyMap<string, Iterable<number>>): { topic: string; partitions: number[] }[] {
    return [...held]
      .map(([topic, partitions]) => ({ topic, partitions: [...partitions].filter((partition) => this.isPaused(topic, partition)).sort((a, b) => a - b) }))
      .filter(({ partitions }) => partitions.length > 0);
  }

  private state(topic: string): TopicPauses {
    let state = this.topics.get(topic);
    if (!state) this.topics.set(topic, (state = { all: false, partitions: new Set(), resumed: new Set() }));
    return state;
  }
}

function checked(topicPartitions: TopicPartitions, call: 'pause' | 'resume'): TopicPartitions {
  const isPartitionList = (partitions: unknown) => Array.isArray(partitions) && partitions.every((partition) => Number.isInteger(partition) && partition >= 0);
  const valid = Array.isArray(topicPartitions) && topicPartitions.every((entry) => typeof entry?.topic === 'string' && (entry.partitions === undefined || isPartitionList(entry.partitions)));
  if (!valid) throw new TypeError(`consumer.${call}() takes a list of { topic, partitions? }, as on kafkajs: for example ${call}([{ topic: 'orders', partitions: [0] }])`);
  return topicPartitions;
}
