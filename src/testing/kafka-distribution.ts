import { join } from 'node:path';
import { dependenciesPom, ensureMavenJars } from './maven-jars.js';
import { defaultCacheDir } from './user-cache-dir.js';

export interface KafkaDistributionOptions {
  /** Apache Kafka release to resolve from Maven Central. */
  version: string;
  /** Folder that keeps resolved jars between runs (default: see defaultCacheDir). */
  cacheDir?: string;
  /** Where progress lines go; silent by default. */
  log?: (line: string) => void;
}

/**
 * The broker's run-time classpath: Kafka itself, the perf tools, and one log4j2 binding. slf4j-api
 * is pinned to 2.x because a transitive 1.7 jar would otherwise win Maven's nearest-first mediation
 * and silence every broker log line.
 */
export function kafkaRuntimeDependencies(version: string): string[] {
  return [
    `org.apache.kafka:kafka_2.13:${version}`,
    `org.apache.kafka:kafka-tools:${version}`,
    'org.slf4j:slf4j-api:2.0.17',
    'org.apache.logging.log4j:log4j-slf4j2-impl:2.24.3',
    'org.apache.logging.log4j:log4j-core:2.24.3',
  ];
}

/** The broker's run-time classpath as a Maven project. */
export function kafkaRuntimePom(version: string): string {
  return dependenciesPom(`kafka-runtime-${version}`, kafkaRuntimeDependencies(version));
}

/**
 * Resolves the Kafka jars once into `<cacheDir>/kafka-<version>/lib` and returns that folder.
 * Concurrent callers (tests and the example at once) serialize on a lock directory.
 */
export function ensureKafkaJars(options: KafkaDistributionOptions): Promise<string> {
  return ensureMavenJars({
    home: join(options.cacheDir ?? defaultCacheDir(), `kafka-${options.version}`),
    dependencies: kafkaRuntimeDependencies(options.version),
    expectedJar: 'kafka_2.13-',
    what: `Apache Kafka ${options.version}`,
    log: options.log,
  });
}
