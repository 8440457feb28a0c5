import { KAFKA_TEST_VERSION } from '../constants.js';
import { ensureKafkaJars } from './kafka-distribution.js';

export interface KafkaJarsOptions {
  /** Apache Kafka release (default: the one the test kit starts). */
  version?: string;
  /** Folder for the resolved jars (default `KAFKA_CACHE_DIR`, else the user's cache folder: `~/.cache/nestjs-kafka-transport` on Linux). */
  cacheDir?: string;
  log?: (line: string) => void;
}

/**
 * The folder holding Apache Kafka's jars, the broker's and its command-line tools', resolved from
 * Maven Central on first use. Run a tool with `java -cp '<folder>/*' <main class>`, for example
 * `org.apache.kafka.tools.ProducerPerformance` against the test kit's broker.
 */
export function kafkaJars(options: KafkaJarsOptions = {}): Promise<string> {
  return ensureKafkaJars({ version: options.version ?? KAFKA_TEST_VERSION, cacheDir: options.cacheDir, log: options.log });
}
