import type { KafkaErrorCode } from './error-codes.js';

/**
 * Base class of every error this library throws. `code` is stable and documented; `retriable` says
 * whether trying the same call again can succeed without a change of configuration.
 */
export class KafkaTransportError extends Error {
  constructor(
    readonly code: KafkaErrorCode,
    message: string,
    readonly retriable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
