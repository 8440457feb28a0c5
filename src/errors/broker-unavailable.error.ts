import { KafkaTransportError } from './kafka-transport.error.js';

/** No Kafka broker could be reached or provisioned for tests; the message lists every way tried. */
export class BrokerUnavailableError extends KafkaTransportError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KAFKA_BROKER_UNAVAILABLE', message, false, options);
  }
}
