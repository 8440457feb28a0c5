import { KafkaTransportError } from './kafka-transport.error.js';

/**
 * A handler did not finish within its `handlerTimeout`. The transport stopped waiting for it, so
 * one stuck handler cannot stop the consumer; a request gets this as its error reply, an event is
 * tried again under its retry policy. The handler's own work may still be running.
 */
export class HandlerTimeoutError extends KafkaTransportError {
  constructor(
    readonly pattern: string,
    readonly timeoutMs: number,
  ) {
    super(
      'KAFKA_HANDLER_TIMEOUT',
      `the handler of '${pattern}' did not finish within ${timeoutMs} ms (it may still be running). Make it finish sooner, or raise handlerTimeout: in the server options, or for this handler with @MessagePattern('${pattern}', { handlerTimeout: ${timeoutMs * 2} }) / @EventPattern(...)`,
      true,
    );
  }
}
