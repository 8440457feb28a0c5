/** Broker list used when the options name none; the same default as Nest's built-in transport. */
export const KAFKA_DEFAULT_BROKER = 'localhost:9092';

/**
 * The Apache Kafka release the test kit provisions. 4.4.0 is the newest release with which kafkajs
 * 2.2.4 passes every probe this library needs (produce, consumer groups with a custom assigner,
 * commits, admin, idempotent producer, transactions); see the README's "Kafka version" section.
 */
export const KAFKA_TEST_VERSION = '4.4.0';

/** Nest's defaults, so ids stay the same after switching transports. */
export const KAFKA_DEFAULT_CLIENT_ID = 'nestjs-consumer';
export const KAFKA_DEFAULT_GROUP_ID = 'nestjs-group';

/** How long `send()` waits for a reply stream to end before failing with ReplyTimeoutError. */
export const KAFKA_DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Suffix of reply topics: `<pattern>.reply`, as Nest names them. */
export const REPLY_TOPIC_SUFFIX = '.reply';

/** Nest's reply when a request names a pattern no handler serves (a plain string, not JSON). */
export const NO_MESSAGE_HANDLER = 'There is no matching message handler defined in the remote service.';

/** Most messages concurrent emits share in one produce request. */
export const KAFKA_DEFAULT_EMIT_BATCH_MAX_MESSAGES = 500;
