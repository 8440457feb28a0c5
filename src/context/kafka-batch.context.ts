import { BaseRpcContext } from '@nestjs/microservices';
import type { ParsedKafkaMessage } from '../codec/incoming-message.js';
import type { KafkaContext } from './kafka.context.js';

type BatchArgs = [contexts: KafkaContext[], topic: string, partition: number, consumer: unknown, heartbeat: () => Promise<void>, producer: unknown];

/**
 * What a batch handler (`@EventPattern('t', { batch: { maxRecords: 100 } })`) receives next to its
 * payloads (`@Ctx()`): the records of one partition, in offset order, each with its own
 * KafkaContext, and what they share (topic, partition, consumer, heartbeat, producer).
 */
export class KafkaBatchContext extends BaseRpcContext<BatchArgs> {
  constructor(contexts: KafkaContext[], topic: string, partition: number, consumer: unknown, heartbeat: () => Promise<void>, producer: unknown) {
    super([contexts, topic, partition, consumer, heartbeat, producer]);
  }

  /** Each record's context, in the order of the payloads. */
  getContexts(): KafkaContext[] {
    return this.args[0];
  }

  /** Each record's decoded message, in the order of the payloads. */
  getMessages(): ParsedKafkaMessage[] {
    return this.args[0].map((context) => context.getMessage() as unknown as ParsedKafkaMessage);
  }

  getTopic(): string {
    return this.args[1];
  }

  getPartition(): number {
    return this.args[2];
  }

  /** The consumer, as `KafkaContext.getConsumer()` gives it. */
  getConsumer(): unknown {
    return this.args[3];
  }

  /** Tells the group the member is alive while the batch takes long. */
  getHeartbeat(): () => Promise<void> {
    return this.args[4];
  }

  getProducer(): unknown {
    return this.args[5];
  }
}
