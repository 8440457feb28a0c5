import type { Deserializer, Serializer } from '@nestjs/microservices';
import type { ParsedKafkaMessage } from './incoming-message.js';
import { toOutgoingMessage, type OutgoingKafkaMessage } from './outgoing-message.js';

/**
 * Requests, events and replies on their way out: a payload, or a `{ key, value, headers, partition }`
 * envelope, to a producer record. The default serializer of client and server, as in Nest.
 */
export class KafkaRequestSerializer implements Serializer<unknown, OutgoingKafkaMessage> {
  serialize(value: unknown): OutgoingKafkaMessage {
    return toOutgoingMessage(value);
  }
}

/** What a server hands to the handler lookup: the topic as pattern and the decoded value as data. */
export interface IncomingKafkaRequest {
  pattern: string;
  data: unknown;
}

/**
 * Requests and events on the server: `{ pattern: topic, data: value }`. A tombstone (null value)
 * hands over the whole message as data, as Nest does, so its key and headers stay reachable.
 */
export class KafkaRequestDeserializer implements Deserializer<ParsedKafkaMessage, IncomingKafkaRequest> {
  deserialize(message: ParsedKafkaMessage, options?: { channel?: string }): IncomingKafkaRequest {
    return { pattern: options?.channel ?? message.topic, data: message.value ?? message };
  }
}
