import { KafkaTransportError } from './kafka-transport.error.js';

/** A topic to consume does not exist and the transport was told not to create it. */
export class TopicMissingError extends KafkaTransportError {
  constructor(
    readonly topics: string[],
    cause: unknown,
  ) {
    super(
      'KAFKA_TOPIC_MISSING',
      `cannot subscribe to ${topics.join(', ')}: the broker does not host ${topics.length === 1 ? 'it' : 'them'} (yet). Create the topic(s) first, or leave createTopics at its default (true) so the transport creates them`,
      true,
      { cause },
    );
  }
}
