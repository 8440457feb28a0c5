import type { RecordMetadata } from '../codec/kafka-record.js';
import type { OutgoingKafkaMessage } from '../codec/outgoing-message.js';
import type { SendOutcome } from '../driver/kafka-driver.interface.js';

interface PendingProduce {
  messages: OutgoingKafkaMessage[];
  resolve: (metadata: RecordMetadata[]) => void;
  reject: (error: unknown) => void;
}

interface Lane {
  queue: PendingProduce[];
}

/**
 * Turns concurrent sends to one topic into fewer produce requests without weakening delivery: while
 * one request for a topic is on its way, later messages for that topic wait and then leave
 * together, at most `maxMessages` per request. Each caller still resolves only once the broker
 * acknowledged its messages, and fails only for its own messages. A lone message leaves at
 * the next turn of the event loop, so it gains no noticeable delay.
 *
 * Topics have separate lanes: a topic whose requests fail or retry (missing, no leader) holds up
 * and fails only its own messages, never another topic's.
 */
export class ProduceCoalescer {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly send: (topic: string, messages: OutgoingKafkaMessage[]) => Promise<SendOutcome>,
    private readonly maxMessages: number,
  ) {}

  /** Resolves with the acknowledged metadata of the request that carried the messages. */
  enqueue(topic: string, messages: OutgoingKafkaMessage[]): Promise<RecordMetadata[]> {
    return new Promise((resolve, reject) => {
      const lane = this.lanes.get(topic);
      if (lane) {
        lane.queue.push({ messages, resolve, reject });
        return;
      }
      const opened: Lane = { queue: [{ messages, resolve, reject }] };
      this.lanes.set(topic, opened);
      setImmediate(() => void this.flush(topic, opened));
    });
  }

  private async flush(topic: string, lane: Lane): Promise<void> {
    while (lane.queue.length > 0) {
      const batch = this.take(lane.queue);
      try {
        const { metadata, refused } = await this.send(topic, batch.length === 1 ? batch[0].messages : batch.flatMap((pending) => pending.messages));
        for (const pending of batch) {
          // A caller fails only for its own messages, not for a neighbour's in the same request.
          const refusal = refused.size === 0 ? undefined : pending.messages.map((message) => refused.get(message)).find(Boolean);
          if (refusal) pending.reject(refusal);
          else pending.resolve(metadata);
        }
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    // Closed once empty, so a client that sends to many topics keeps no lane for each.
    this.lanes.delete(topic);
  }

  /** The oldest sends up to the message bound; always at least one, however large. */
  private take(queue: PendingProduce[]): PendingProduce[] {
    let count = 0;
    let taken = 0;
    while (taken < queue.length && (taken === 0 || count + queue[taken].messages.length <= this.maxMessages)) {
      count += queue[taken].messages.length;
      taken += 1;
    }
    return queue.splice(0, taken);
  }
}
