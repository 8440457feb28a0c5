import { KafkaTransportError } from './kafka-transport.error.js';

/** A part of the client or server that exists only after connect() / listen() was asked for earlier. */
export class NotConnectedError extends KafkaTransportError {
  constructor(what: string, call: string) {
    super('KAFKA_NOT_CONNECTED', `${what} is not available yet: call ${call} first`);
  }
}
