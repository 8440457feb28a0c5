import { KafkaTransportError } from './kafka-transport.error.js';

/** The TLS connection to a broker could not be set up; the message says which side to fix. */
export class TlsFailedError extends KafkaTransportError {
  constructor(
    readonly broker: string | undefined,
    readonly reason: string,
    fix: string,
    cause: unknown,
  ) {
    super('KAFKA_TLS_FAILED', `TLS with broker ${broker ?? '(unknown)'} failed (${reason}): ${fix}`, false, { cause });
  }
}
