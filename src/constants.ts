/** Broker list used when the options name none; the same default as Nest's built-in transport. */
export const KAFKA_DEFAULT_BROKER = 'localhost:9092';

/**
 * The Apache Kafka release the test kit provisions. 4.4.0 is the newest release with which kafkajs
 * 2.2.4 passes every probe this library needs (produce, consumer groups with a custom assigner,
 * commits, admin, idempotent producer, transactions); see the README's "Kafka version" section.
 */
export const KAFKA_TEST_VERSION = '4.4.0';
