import { Kafka, logLevel, type KafkaConfig, type KafkaMessage } from 'kafkajs';
import { BrokerUnavailableError, uniqueGroupId, waitFor } from '../../src/testing/index.js';
import { createTopicsWithLeaders } from '../../src/driver/create-topics-with-leaders.js';

/** The shared broker global setup started (or the cluster KAFKA_BROKERS names). */
export function testBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    throw new BrokerUnavailableError('KAFKA_BROKERS is not set: integration tests must run through jest, whose global setup starts the broker');
  }
  return brokers.split(',');
}

/**
 * The driver the transport under test runs on, and its consumer group protocol: KAFKA_TEST_DRIVER
 * and KAFKA_TEST_GROUP_PROTOCOL pick them for a whole run, so the same specs prove both drivers and
 * both protocols. Unset: the defaults (kafkajs, classic).
 */
export function testDriver(): { driver?: 'kafkajs' | 'platformatic'; groupProtocol?: 'classic' | 'consumer' } {
  const driver = process.env.KAFKA_TEST_DRIVER || undefined;
  const groupProtocol = process.env.KAFKA_TEST_GROUP_PROTOCOL || undefined;
  if (driver !== undefined && driver !== 'kafkajs' && driver !== 'platformatic') throw new Error(`KAFKA_TEST_DRIVER is "${driver}"; expected kafkajs or platformatic`);
  if (groupProtocol !== undefined && groupProtocol !== 'classic' && groupProtocol !== 'consumer') throw new Error(`KAFKA_TEST_GROUP_PROTOCOL is "${groupProtocol}"; expected classic or consumer`);
  return { ...(driver ? { driver } : {}), ...(groupProtocol ? { groupProtocol } : {}) };
}

/**
 * Consumer timings for specs about group membership, whose instances join one after another: a
 * member learns of a rebalance at its next heartbeat, which kafkajs sends only once a fetch
 * returns, so with the defaults (3 s heartbeats, 5 s fetch waits) every join costs seconds. Under
 * KIP-848 the broker sets the heartbeat, and only the fetch wait is the client's.
 */
export function quickGroupMoves(): { heartbeatInterval?: number; maxWaitTimeInMs: number } {
  return testDriver().groupProtocol === 'consumer' ? { maxWaitTimeInMs: 500 } : { heartbeatInterval: 500, maxWaitTimeInMs: 500 };
}

/** A kafkajs client for tests: quiet, fast to retry, on the given or the shared brokers. */
export function testKafka(brokers: string[] = testBrokers(), overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'nestjs-kafka-transport-tests',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 10 },
    ...overrides,
  });
}

/**
 * Creates topics and waits for their leaders. kafkajs's consumer `subscribe()` does not wait for a
 * topic the broker auto-creates (KRaft answers UNKNOWN_TOPIC_OR_PARTITION, which it does not retry),
 * so tests create every topic a consumer subscribes to first.
 */
export async function createTopics(kafka: Kafka, topics: string[], numPartitions = 1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createTopicsWithLeaders(admin, topics.map((topic) => ({ topic, numPartitions })));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads a topic from its start with a new group until `count` distinct records arrived, then
 * disconnects. A record handed over twice (a rebalance before the first commit) counts once.
 */
export async function readMessages(kafka: Kafka, topic: string, count: number, timeoutMs = 60_000): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueGroupId('reader') });
  const seen = new Map<string, KafkaMessage>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => void seen.set(`${partition}:${message.offset}`, message) });
    await waitFor(() => seen.size >= count, { timeoutMs, what: `${count} message(s) on ${topic}` });
  } finally {
    await consumer.disconnect();
  }
  // Record order: by partition, then offset (a single-partition topic reads in produce order).
  return [...seen.entries()].sort(([a], [b]) => {
    const [pa, oa] = a.split(':').map(Number);
    const [pb, ob] = b.split(':').map(Number);
    return pa - pb || oa - ob;
  }).map(([, message]) => message);
}
