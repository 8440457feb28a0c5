import { KafkaTransportError } from '../../errors/kafka-transport.error.js';

/** Thrown out of kafkajs's `eachBatch` so that it neither commits the record nor moves past it. */
export class RedeliveryRequested extends KafkaTransportError {
  constructor(topic: string, partition: number, offset: string) {
    super('KAFKA_REDELIVER', `${topic}[${partition}]@${offset} is held back to be delivered again`, true);
  }
}
