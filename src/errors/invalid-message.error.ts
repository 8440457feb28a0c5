import { KafkaTransportError } from './kafka-transport.error.js';

/** `send` / `emit` with a nil pattern or nil data; the message is Nest's InvalidMessageException's. */
export class InvalidMessageError extends KafkaTransportError {
  constructor() {
    super('KAFKA_INVALID_MESSAGE', 'The invalid data or message pattern (undefined/null)');
  }
}
