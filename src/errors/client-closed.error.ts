import { KafkaTransportError } from './kafka-transport.error.js';

/** The client was closed while the request was waiting for its reply. */
export class ClientClosedError extends KafkaTransportError {
  constructor() {
    // The message is Nest 12's, so callers matching on it keep working.
    super('KAFKA_CLIENT_CLOSED', 'Connection closed', true);
  }
}
