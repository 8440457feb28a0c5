import { KafkaTransportError } from './kafka-transport.error.js';

/** An option has a value the transport cannot work with; raised at construction, never later. */
export class InvalidOptionError extends KafkaTransportError {
  constructor(
    readonly option: string,
    problem: string,
    fix: string,
  ) {
    super('KAFKA_INVALID_OPTION', `Invalid Kafka transport option "${option}": ${problem}. ${fix}`);
  }
}
