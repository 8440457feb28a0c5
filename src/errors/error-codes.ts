/**
 * Every `code` an error of this library carries: one closed list, so that a caller can switch on
 * `error.code` with the compiler checking the cases, and the transport's own checks of a code are
 * checked too. Each is documented with its error class; the last never reaches users: it marks a
 * message the server gave up on as it closed, to be delivered again.
 */
export const KAFKA_ERROR_CODES = [
  'KAFKA_AUTHENTICATION_FAILED',
  'KAFKA_AUTHORIZATION_FAILED',
  'KAFKA_BROKER_UNAVAILABLE',
  'KAFKA_CLIENT_CLOSED',
  'KAFKA_DRIVER_MISSING',
  'KAFKA_HANDLER_TIMEOUT',
  'KAFKA_INVALID_MESSAGE',
  'KAFKA_INVALID_OPTION',
  'KAFKA_NOT_CONNECTED',
  'KAFKA_PARTITION_OUT_OF_RANGE',
  'KAFKA_REPLY_PARTITION_UNAVAILABLE',
  'KAFKA_REPLY_TIMEOUT',
  'KAFKA_REPLY_TOPIC_NOT_SUBSCRIBED',
  'KAFKA_TLS_FAILED',
  'KAFKA_TOPIC_MISSING',
  'KAFKA_UNACKNOWLEDGED_MESSAGES',
  // Internal: the server closed while the message was being handled.
  'KAFKA_SERVER_CLOSING',
] as const;

export type KafkaErrorCode = (typeof KAFKA_ERROR_CODES)[number];

/** Whether `error` carries `code`: any error, since a code survives where the class does not (another copy of the package). */
export function hasErrorCode(error: unknown, code: KafkaErrorCode): boolean {
  return (error as { code?: unknown } | null | undefined)?.code === code;
}
