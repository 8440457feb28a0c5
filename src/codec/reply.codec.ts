import type { Deserializer } from '@nestjs/microservices';
import { headerText, type ParsedKafkaMessage } from './incoming-message.js';
import { KafkaHeaders } from './kafka-headers.enum.js';
import type { OutgoingKafkaMessage } from './outgoing-message.js';

/** One reply as the router hands it to the waiting caller. */
export interface KafkaReplyPacket {
  id: string;
  response?: unknown;
  err?: unknown;
  isDisposed: boolean;
}

/** What one reply message says besides its value. */
export interface ReplyMarkers {
  /** Bytes are written back as they arrived; text (as Nest's clients send it) as UTF-8. */
  correlationId: Buffer | string;
  err?: unknown;
  isDisposed?: boolean;
}

// Only the presence of the end-of-stream header is read; Nest writes one zero byte.
const IS_DISPOSED_VALUE = Buffer.alloc(1);

/**
 * Adds the reply headers to a serialized reply, byte for byte as Nest's server writes them: the
 * correlation id, the error (JSON for objects, else the string) and the end-of-stream marker.
 */
export function addReplyHeaders(message: OutgoingKafkaMessage, markers: ReplyMarkers): OutgoingKafkaMessage {
  message.headers[KafkaHeaders.CORRELATION_ID] = Buffer.isBuffer(markers.correlationId) ? markers.correlationId : Buffer.from(markers.correlationId);
  if (markers.err !== undefined && markers.err !== null && markers.err !== '') {
    const text = typeof markers.err === 'object' ? JSON.stringify(markers.err) : String(markers.err);
    message.headers[KafkaHeaders.NEST_ERR] = Buffer.from(text);
  }
  if (markers.isDisposed) message.headers[KafkaHeaders.NEST_IS_DISPOSED] = IS_DISPOSED_VALUE;
  return message;
}

/** What a Spring listener's failure becomes for the caller: Nest's error shape, with the Java exception's class. */
export interface SpringReplyError {
  status: 'error';
  message: string;
  exception?: string;
}

/**
 * Replies on the client: an error header ends the stream with that error (JSON-parsed when it is an
 * object), the end-of-stream header ends it after its value, anything else is one more value.
 * Spring's `kafka_exception-message` is an error header too: no Nest server writes it.
 */
export class KafkaResponseDeserializer implements Deserializer<ParsedKafkaMessage, KafkaReplyPacket> {
  deserialize(message: ParsedKafkaMessage): KafkaReplyPacket {
    const id = headerText(message.headers, KafkaHeaders.CORRELATION_ID) ?? '';
    const err = message.headers[KafkaHeaders.NEST_ERR];
    if (err !== undefined) return { id, err, isDisposed: true };
    const springMessage = headerText(message.headers, KafkaHeaders.SPRING_EXCEPTION_MESSAGE);
    if (springMessage !== undefined) {
      const springError: SpringReplyError = { status: 'error', message: springMessage };
      const exception = headerText(message.headers, KafkaHeaders.SPRING_EXCEPTION_FQCN);
      if (exception !== undefined) springError.exception = exception;
      return { id, err: springError, isDisposed: true };
    }
    const isDisposed = message.headers[KafkaHeaders.NEST_IS_DISPOSED] !== undefined;
    return { id, response: message.value, isDisposed };
  }
}
