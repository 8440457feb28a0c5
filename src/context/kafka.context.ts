import { KafkaContext as NestKafkaContext } from '@nestjs/microservices';
import type { Consumer, Producer } from 'kafkajs';
import type { ParsedKafkaMessage } from '../codec/incoming-message.js';

/**
 * What a handler receives next to its payload (`@Ctx()`): the decoded message, its topic and
 * partition, the consumer (for manual commits), the heartbeat and the producer. It is Nest's own
 * KafkaContext class, so handlers typed against `@nestjs/microservices` keep working unchanged.
 */
export class KafkaContext extends NestKafkaContext {
  constructor(message: ParsedKafkaMessage, partition: number, topic: string, consumer: Consumer, heartbeat: () => Promise<void>, producer: Producer) {
    // Nest's constructor takes the same values as one tuple; its types come from its bundled kafkajs copy.
    super([message, partition, topic, consumer, heartbeat, producer] as unknown as ConstructorParameters<typeof NestKafkaContext>[0]);
  }
}
