import { KafkaContext as NestKafkaContext } from '@nestjs/microservices';
import type { ParsedKafkaMessage } from '../codec/incoming-message.js';

/**
 * What a handler receives next to its payload (`@Ctx()`): the decoded message, its topic and
 * partition, the driver's consumer (for manual commits), the heartbeat and the driver's producer. It is Nest's own
 * KafkaContext class, so handlers typed against `@nestjs/microservices` keep working unchanged.
 */
export class KafkaContext extends NestKafkaContext {
  constructor(message: ParsedKafkaMessage, partition: number, topic: string, consumer: unknown, heartbeat: () => Promise<void>, producer: unknown) {
    // Nest's constructor takes the same values as one tuple, typed with its copy of kafkajs's types.
    super([message, partition, topic, consumer, heartbeat, producer] as unknown as ConstructorParameters<typeof NestKafkaContext>[0]);
  }
}
