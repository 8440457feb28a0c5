import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { BrokerUnavailableError } from '../errors/broker-unavailable.error.js';
import { takeLock } from './directory-lock.js';
import { waitFor } from './wait-for.js';

export interface MavenJarsRequest {
  /** Folder that keeps the generated pom.xml, a lock while resolving, and the jars under `lib/`. */
  home: string;
  /** Dependencies as `groupId:artifactId:version`. */
  dependencies: string[];
  /** A jar name prefix that must be among the resolved ones, proving the resolution worked. */
  expectedJar: string;
  /** What the jars are, for progress lines ("Apache Kafka 4.4.0"). */
  what: string;
  log?: (line: string) => void;
}

const COMPLETE_MARKER = '.complete';

/** A pom that only lists dependencies, for `mvn dependency:copy-dependencies`. */
export function dependenciesPom(name: string, dependencies: string[]): string {
  const lines = dependencies.map((coordinates) => {
    const [groupId, artifactId, version] = coordinates.split(':');
    return `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
  });
  return [
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>nestjs-kafka-transport.testing</groupId>',
    `  <artifactId>${name}</artifactId>`,
    '  <version>1</version>',
    '  <packaging>pom</packaging>',
    '  <dependencies>',
    ...lines,
    '  </dependencies>',
    '</project>',
    '',
  ].join('\n');
}

/**
 * Resolves the dependencies' run-time jars from Maven Central once into `<home>/lib` and returns that
 * folder. Concurrent callers (tests and the example at once) serialize on a lock directory.
 */
export async function ensureMavenJars(request: MavenJarsRequest): Promise<string> {
  const { home } = request;
  const lib = join(home, 'lib');
  if (existsSync(join(lib, COMPLETE_MARKER))) return lib;

  await mkdir(home, { recursive: true });
  const lock = join(home, '.lock');
  await waitFor(() => takeLock(lock), {
    timeoutMs: 10 * 60_000,
    intervalMs: 500,
    what: `the jar cache lock ${lock} (remove it if no other run is resolving jars)`,
  });
  try {
    if (existsSync(join(lib, COMPLETE_MARKER))) return lib;
    await rm(lib, { recursive: true, force: true });
    await writeFile(join(home, 'pom.xml'), dependenciesPom(basename(home), request.dependencies));
    request.log?.(`resolving ${request.what} jars from Maven Central into ${lib}`);
    await runMaven(home, lib);
    const jars = (await readdir(lib)).filter((name) => name.endsWith('.jar'));
    if (!jars.some((name) => name.startsWith(request.expectedJar))) {
      throw new BrokerUnavailableError(`Maven finished but ${lib} holds no ${request.expectedJar} jar`);
    }
    await writeFile(join(lib, COMPLETE_MARKER), `${jars.length} jars\n`);
    return lib;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

function runMaven(projectDir: string, outputDir: string): Promise<void> {
  const args = ['-q', '-B', '-f', join(projectDir, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${outputDir}`, '-DincludeScope=runtime'];
  return new Promise((resolvePromise, reject) => {
    const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => reject(new BrokerUnavailableError(`could not run Maven (mvn): ${error.message}`, { cause: error })));
    child.on('exit', (code) => {
      if (code === 0) resolvePromise();
      else reject(new BrokerUnavailableError(`mvn dependency:copy-dependencies exited with ${code}:\n${output}`));
    });
  });
}
