import { KafkaTransportError } from './kafka-transport.error.js';

/** The brokers refused the SASL credentials. The message names the user and mechanism, never the secret. */
export class AuthenticationFailedError extends KafkaTransportError {
  constructor(
    readonly mechanism: string,
    readonly username: string | undefined,
    cause: unknown,
  ) {
    super(
      'KAFKA_AUTHENTICATION_FAILED',
      `the brokers refused the SASL ${mechanism} login${username ? ` of user "${username}"` : ''}: check client.sasl (mechanism, username, password) against the users the cluster knows; a SCRAM user must exist for that exact mechanism`,
      false,
      { cause },
    );
  }
}
