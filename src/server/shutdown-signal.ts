import { KafkaTransportError } from '../errors/kafka-transport.error.js';

/** Raised into a message's processing when the server closes before the handler finished. */
export class ServerClosingError extends KafkaTransportError {
  constructor() {
    super('KAFKA_SERVER_CLOSING', 'the server closed before this message was handled; it stays uncommitted and is delivered again', true);
  }
}

/**
 * Lets work in flight give way to a close(): `race(work)` settles with the work, or rejects with
 * ServerClosingError once `trigger()` was called, so kafkajs does not commit the message.
 */
export class ShutdownSignal {
  private fire!: (error: ServerClosingError) => void;
  private readonly closed = new Promise<never>((_, reject) => {
    this.fire = reject;
  });

  constructor() {
    // Nobody may be racing when the signal fires; that is no unhandled rejection.
    this.closed.catch(() => undefined);
  }

  trigger(): void {
    this.fire(new ServerClosingError());
  }

  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.closed]);
  }
}
