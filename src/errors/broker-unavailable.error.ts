import { KafkaTransportError } from './kafka-transport.error.js';

/**
 * No Kafka broker could be reached: at start-up (`listen()`, `connect()`), none of `client.brokers`
 * accepted a connection within `client.retry`'s bound; or the test kit could not provision one. The
 * message lists the addresses or ways tried.
 */
export class BrokerUnavailableError extends KafkaTransportError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KAFKA_BROKER_UNAVAILABLE', message, false, options);
  }
}
