/**
 * How a callee expects requests to be written and how its replies end:
 * - `nest`: Nest's built-in transport (reply partition as decimal text; a stream ends on Nest's
 *   end-of-stream or error header);
 * - `spring`: Spring for Apache Kafka's `@KafkaListener` + `@SendTo` (reply partition as a 4-byte
 *   big-endian int; one reply is the whole answer).
 */
export type ReplyConvention = 'nest' | 'spring';

/** The client option: one convention for every pattern, or one per pattern (patterns not named are `nest`). */
export type ReplyConventionOption = ReplyConvention | Record<string, ReplyConvention>;

export const REPLY_CONVENTIONS: readonly ReplyConvention[] = ['nest', 'spring'];
