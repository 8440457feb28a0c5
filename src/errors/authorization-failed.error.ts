import { KafkaTransportError } from './kafka-transport.error.js';

/** The brokers authenticated the caller but its ACLs do not allow what was asked. */
export class AuthorizationFailedError extends KafkaTransportError {
  constructor(
    /** Kafka's error, e.g. TOPIC_AUTHORIZATION_FAILED. */
    readonly kafkaError: string,
    /** What was refused, e.g. `topic "orders"` or `group "billing-server"`. */
    readonly resource: string,
    readonly principal: string,
    cause: unknown,
  ) {
    super(
      'KAFKA_AUTHORIZATION_FAILED',
      `${principal} is not allowed to use ${resource} (${kafkaError}): grant it an ACL for that ${resource.split(' ')[0]} (for example kafka-acls --add --allow-principal User:<name> --operation All --${resource.split(' ')[0]} <name>), or connect as a user who has one`,
      false,
      { cause },
    );
  }
}
