import { KafkaTransportError } from './kafka-transport.error.js';

/** The Kafka client library the chosen driver runs on is not installed. */
export class DriverMissingError extends KafkaTransportError {
  constructor(
    readonly packageName: string,
    cause: unknown,
    message = `the Kafka driver needs the "${packageName}" package, which is not installed. Run: npm install ${packageName}`,
  ) {
    super('KAFKA_DRIVER_MISSING', message, false, { cause });
  }
}
