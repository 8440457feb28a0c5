import type { Message, RecordMetadata, TopicMessages } from 'kafkajs';

interface PendingEmit {
  topic: string;
  messages: Message[];
  resolve: (metadata: RecordMetadata[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Turns concurrent emits into fewer produce requests without weakening delivery: while one request
 * is on its way, later emits wait and then leave together, at most `maxMessages` per request. An
 * emit still resolves only once the broker acknowledged the request that carried it, and fails
 * with it. A lone emit leaves at the next turn of the event loop, so it gains no noticeable delay.
 */
export class EmitCoalescer {
  private queue: PendingEmit[] = [];
  private flushing = false;

  constructor(
    private readonly sendBatch: (topicMessages: TopicMessages[]) => Promise<RecordMetadata[]>,
    private readonly maxMessages: number,
  ) {}

  /** Resolves with the acknowledged metadata of `topic` in the request that carried the messages. */
  enqueue(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, messages, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.take();
      try {
        const metadata = await this.sendBatch(groupByTopic(batch));
        for (const emit of batch) emit.resolve(metadata.filter((entry) => entry.topicName === emit.topic));
      } catch (error) {
        for (const emit of batch) emit.reject(error);
      }
    }
    this.flushing = false;
  }

  /** The oldest emits up to the message bound; always at least one, however large. */
  private take(): PendingEmit[] {
    let count = 0;
    let taken = 0;
    while (taken < this.queue.length && (taken === 0 || count + this.queue[taken].messages.length <= this.maxMessages)) {
      count += this.queue[taken].messages.length;
      taken += 1;
    }
    return this.queue.splice(0, taken);
  }
}

/** One entry per topic, topics and messages in the order they were emitted. */
function groupByTopic(batch: PendingEmit[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const emit of batch) {
    const messages = byTopic.get(emit.topic) ?? [];
    messages.push(...emit.messages);
    byTopic.set(emit.topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
