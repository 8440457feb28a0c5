import { join } from 'node:path';
import { KAFKA_TEST_VERSION } from '../constants.js';
import { BrokerUnavailableError } from '../errors/broker-unavailable.error.js';
import { dockerEngineAnswers, startDockerKafka } from './docker-kafka.js';
import { useExternalKafka } from './external-kafka.js';
import { assertProbeInstalled } from '../driver/installed-cluster-probe.js';
import type { KafkaSource, KafkaTestCluster, StartKafkaOptions } from './kafka-test-cluster.interface.js';
import { startMavenKafka } from './maven-kafka.js';

export interface SourceAttempt {
  source: KafkaSource;
  outcome: string;
}

const HOW_TO_GET_A_BROKER = [
  'To run against a real broker, do one of:',
  '  - install Java 17+ and Maven (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless maven); the jars come from Maven Central',
  '  - install Docker and `npm i -D @testcontainers/kafka`',
  '  - start Kafka yourself (e.g. `docker compose up -d`) and set KAFKA_BROKERS=localhost:9092',
].join('\n');

/** The message of the error raised when no way of getting a broker worked. */
export function describeUnavailable(attempts: SourceAttempt[]): string {
  const lines = attempts.map((attempt, index) => `  ${index + 1}. ${attempt.source}: ${attempt.outcome}`);
  return ['No Kafka broker could be reached or started. Tried, in order:', ...lines, HOW_TO_GET_A_BROKER].join('\n');
}

/**
 * A real Kafka cluster for tests. Tries, in order: the cluster named by `KAFKA_BROKERS`; a container
 * through `@testcontainers/kafka` where a Docker engine answers; Apache Kafka jars from Maven Central,
 * run as KRaft nodes on free local ports. Fails with every reason when none works; never pretends.
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaTestCluster> {
  const env = options.env ?? process.env;
  const nodes = options.nodes ?? 1;
  const version = options.version ?? KAFKA_TEST_VERSION;
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  if (!Number.isInteger(nodes) || nodes < 1) {
    throw new BrokerUnavailableError(`startKafka({ nodes: ${nodes} }): nodes must be a whole number of at least 1`);
  }

  if (options.security && env.KAFKA_BROKERS !== undefined) {
    throw new BrokerUnavailableError('startKafka({ security }) secures a broker the test kit starts itself; it cannot secure the cluster KAFKA_BROKERS names. Pass env: {} to start one');
  }
  // Before any broker starts: without a library to ask it with, none could be told ready.
  await assertProbeInstalled();
  if (env.KAFKA_BROKERS !== undefined) {
    // A named cluster is a deliberate choice: its failure is reported, not papered over with another broker.
    return useExternalKafka(env.KAFKA_BROKERS, startTimeoutMs);
  }
  const attempts: SourceAttempt[] = [{ source: 'KAFKA_BROKERS', outcome: 'not set' }];

  const tryDocker = options.docker ?? (nodes === 1 && !options.security && dockerEngineAnswers());
  if (tryDocker) {
    try {
      return await startDockerKafka(version);
    } catch (error) {
      attempts.push({ source: 'testcontainers', outcome: (error as Error).message });
    }
  } else {
    const why = nodes > 1 ? `not used for ${nodes} nodes` : options.security ? 'not used for a secured broker' : options.docker === false ? 'disabled by the docker option' : 'no Docker engine answers';
    attempts.push({ source: 'testcontainers', outcome: why });
  }

  try {
    return await startMavenKafka({
      nodes,
      version,
      cacheDir: options.cacheDir,
      heapMb: options.heapMb ?? 512,
      javaCommand: options.javaCommand ?? (env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java'),
      startTimeoutMs,
      log: options.log,
      security: options.security,
    });
  } catch (error) {
    attempts.push({ source: 'maven', outcome: (error as Error).message });
  }
  throw new BrokerUnavailableError(describeUnavailable(attempts));
}
