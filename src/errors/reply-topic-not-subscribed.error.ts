import { KafkaTransportError } from './kafka-transport.error.js';

/** `send()` for a pattern whose reply topic this client does not consume. */
export class ReplyTopicNotSubscribedError extends KafkaTransportError {
  constructor(
    readonly pattern: string,
    readonly replyTopic: string,
  ) {
    super(
      'KAFKA_REPLY_TOPIC_NOT_SUBSCRIBED',
      `send('${pattern}') has no reply topic: call client.subscribeToResponseOf('${pattern}') before connect() (it consumes ${replyTopic})`,
    );
  }
}
