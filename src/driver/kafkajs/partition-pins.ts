import type { ICustomPartitioner } from 'kafkajs';

/**
 * Gives each message object one partition for the whole of its send. kafkajs asks the partitioner
 * again on every retry, and its default partitioner deals keyless messages round-robin, so without a
 * pin a retried message may change partition, and which partitions a send covered could not be
 * checked afterwards. The user's partitioner still makes every choice; it is asked once per message.
 */
export class PartitionPins {
  private readonly pinned = new WeakMap<object, number>();

  /** The producer's `createPartitioner`, pinning whatever `create` chooses. */
  wrap(create: ICustomPartitioner): ICustomPartitioner {
    return () => {
      const choose = create();
      return (args) => {
        const pinned = this.pinned.get(args.message);
        if (pinned !== undefined) return pinned;
        const partition = choose(args);
        this.pinned.set(args.message, partition);
        return partition;
      };
    };
  }

  /** The partition `message` was given, if it was partitioned at all. */
  partitionOf(message: object): number | undefined {
    return this.pinned.get(message);
  }

  /** Forgets the messages once their send settled, so a reused object is partitioned afresh. */
  release(messages: object[]): void {
    for (const message of messages) this.pinned.delete(message);
  }
}
