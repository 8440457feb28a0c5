import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BrokerUnavailableError } from '../errors/broker-unavailable.error.js';
import { takeLock } from './directory-lock.js';
import { waitFor } from './wait-for.js';

export interface KafkaDistributionOptions {
  /** Apache Kafka release to resolve from Maven Central. */
  version: string;
  /** Folder that keeps resolved jars between runs (git-ignored). */
  cacheDir?: string;
  /** Where progress lines go; silent by default. */
  log?: (line: string) => void;
}

const COMPLETE_MARKER = '.complete';

/** `KAFKA_CACHE_DIR`, else `.kafka-cache` under the working directory. */
export function defaultCacheDir(): string {
  return resolve(process.env.KAFKA_CACHE_DIR ?? join(process.cwd(), '.kafka-cache'));
}

/**
 * The broker's run-time classpath as a Maven project: Kafka itself, the perf tools, and one log4j2
 * binding. slf4j-api is pinned to 2.x because a transitive 1.7 jar would otherwise win Maven's
 * nearest-first mediation and silence every broker log line.
 */
export function kafkaRuntimePom(version: string): string {
  const dependency = (groupId: string, artifactId: string, depVersion: string) =>
    `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${depVersion}</version></dependency>`;
  return [
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>nestjs-kafka-transport.testing</groupId>',
    `  <artifactId>kafka-runtime-${version}</artifactId>`,
    '  <version>1</version>',
    '  <packaging>pom</packaging>',
    '  <dependencies>',
    dependency('org.apache.kafka', 'kafka_2.13', version),
    dependency('org.apache.kafka', 'kafka-tools', version),
    dependency('org.slf4j', 'slf4j-api', '2.0.17'),
    dependency('org.apache.logging.log4j', 'log4j-slf4j2-impl', '2.24.3'),
    dependency('org.apache.logging.log4j', 'log4j-core', '2.24.3'),
    '  </dependencies>',
    '</project>',
    '',
  ].join('\n');
}

/**
 * Resolves the Kafka jars once into `<cacheDir>/kafka-<version>/lib` and returns that folder.
 * Concurrent callers (tests and the example at once) serialize on a lock directory.
 */
export async function ensureKafkaJars(options: KafkaDistributionOptions): Promise<string> {
  const home = join(options.cacheDir ?? defaultCacheDir(), `kafka-${options.version}`);
  const lib = join(home, 'lib');
  if (existsSync(join(lib, COMPLETE_MARKER))) return lib;

  await mkdir(home, { recursive: true });
  const lock = join(home, '.lock');
  await waitFor(() => takeLock(lock), {
    timeoutMs: 10 * 60_000,
    intervalMs: 500,
    what: `the Kafka jar cache lock ${lock} (remove it if no other run is resolving jars)`,
  });
  try {
    if (existsSync(join(lib, COMPLETE_MARKER))) return lib;
    await rm(lib, { recursive: true, force: true });
    await writeFile(join(home, 'pom.xml'), kafkaRuntimePom(options.version));
    options.log?.(`resolving Apache Kafka ${options.version} jars from Maven Central into ${lib}`);
    await runMaven(home, lib);
    const jars = (await readdir(lib)).filter((name) => name.endsWith('.jar'));
    if (!jars.some((name) => name.startsWith('kafka_2.13-'))) {
      throw new BrokerUnavailableError(`Maven finished but ${lib} holds no kafka_2.13 jar`);
    }
    await writeFile(join(lib, COMPLETE_MARKER), `${jars.length} jars\n`);
    return lib;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

function runMaven(projectDir: string, outputDir: string): Promise<void> {
  const args = [
    '-q',
    '-B',
    '-f',
    join(projectDir, 'pom.xml'),
    'dependency:copy-dependencies',
    `-DoutputDirectory=${outputDir}`,
    '-DincludeScope=runtime',
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) =>
      reject(new BrokerUnavailableError(`could not run Maven (mvn): ${error.message}`, { cause: error })),
    );
    child.on('exit', (code) => {
      if (code === 0) resolvePromise();
      else reject(new BrokerUnavailableError(`mvn dependency:copy-dependencies exited with ${code}:\n${output}`));
    });
  });
}
