/**
 * The reply partitions this client instance owns, per reply topic, as the last group join gave
 * them. A request names the lowest one (what Nest's clients do), and stays answerable as long as its
 * partition is still owned.
 */
export class ReplyAssignments {
  private owned = new Map<string, Set<number>>();

  /** Replaces everything with a new group assignment (topic to partitions). */
  replace(memberAssignment: Record<string, number[]>): void {
    this.owned = new Map(Object.entries(memberAssignment).filter(([, partitions]) => partitions.length > 0).map(([topic, partitions]) => [topic, new Set(partitions)]));
  }

  clear(): void {
    this.owned.clear();
  }

  /** The partition a request for `topic` names: the lowest owned one, or undefined when none is. */
  replyPartition(topic: string): number | undefined {
    const partitions = this.owned.get(topic);
    return partitions && partitions.size > 0 ? Math.min(...partitions) : undefined;
  }

  owns(topic: string, partition: number): boolean {
    return this.owned.get(topic)?.has(partition) ?? false;
  }

  /** Topic to lowest partition: Nest's `getConsumerAssignments()` shape and its assigner's userData. */
  minimums(): Record<string, number> {
    const result: Record<string, number> = {};
    for (const topic of this.owned.keys()) result[topic] = this.replyPartition(topic)!;
    return result;
  }
}
