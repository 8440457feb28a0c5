import { KafkaTransportError } from './kafka-transport.error.js';

/** No reply (or no end of the reply stream) arrived in time for a `send()`. */
export class ReplyTimeoutError extends KafkaTransportError {
  constructor(
    readonly pattern: string,
    readonly timeoutMs: number,
    readonly correlationId: string,
  ) {
    super(
      'KAFKA_REPLY_TIMEOUT',
      `send('${pattern}') got no reply within ${timeoutMs} ms (correlation id ${correlationId}): is a @MessagePattern('${pattern}') handler running and consuming? Raise requestTimeout in the client options, or per call with send(pattern, data, { timeout })`,
      true,
    );
  }
}
