import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerUnavailableError } from '../errors/broker-unavailable.error.js';
import { startBrokerWatchdog } from './broker-watchdog.js';
import { waitForBrokers } from './broker-readiness.js';
import { freePort } from './free-port.js';
import { ensureKafkaJars } from './kafka-distribution.js';
import { KafkaNode, type KafkaClusterLayout, type KafkaNodePorts } from './kafka-node.js';
import type { KafkaTestCluster, KafkaTestNode, KafkaTestSecurity, KafkaTestSecurityOptions } from './kafka-test-cluster.interface.js';
import { listenerProtocol, type ListenerSecurity } from './security-properties.js';
import { makeTestCertificates, type TestCertificates } from './test-certificates.js';

export interface MavenKafkaOptions {
  nodes: number;
  version: string;
  cacheDir?: string;
  heapMb: number;
  javaCommand: string;
  startTimeoutMs: number;
  log?: (line: string) => void;
  security?: KafkaTestSecurityOptions;
}

const MIN_JAVA_MAJOR = 17;

/** Fails with the reason when `java` is missing or older than Kafka 4 needs. */
export function checkJava(javaCommand: string): void {
  const result = spawnSync(javaCommand, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (result.error || result.status !== 0) {
    throw new BrokerUnavailableError(`Java is not runnable as "${javaCommand}" (${result.error?.message ?? `exit ${result.status}`})`);
  }
  const major = Number(/version "(?:1\.)?(\d+)/.exec(result.stderr)?.[1] ?? 0);
  if (major < MIN_JAVA_MAJOR) {
    throw new BrokerUnavailableError(`"${javaCommand}" is Java ${major || 'of unknown version'}; Kafka needs Java ${MIN_JAVA_MAJOR}+ (set JAVA_HOME)`);
  }
}

/**
 * A Kafka cluster id: 16 random bytes in URL-safe base64 without padding, never starting with `-`
 * (the storage tool would read such an id as an option and refuse to format; Kafka's own
 * Uuid.randomUuid() skips those ids for the same reason). `random` is for tests.
 */
export function newClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * Starts `nodes` combined broker+controller JVMs from Maven Central jars, each on free 127.0.0.1
 * ports in one temporary folder, and waits until the cluster reports every broker.
 */
export async function startMavenKafka(options: MavenKafkaOptions): Promise<KafkaTestCluster> {
  checkJava(options.javaCommand);
  const libDir = await ensureKafkaJars({ version: options.version, cacheDir: options.cacheDir, log: options.log });
  const workDir = await mkdtemp(join(tmpdir(), 'nestjs-kafka-transport-'));
  startBrokerWatchdog(workDir);

  const ids = Array.from({ length: options.nodes }, (_, index) => index + 1);
  const ports: KafkaNodePorts[] = [];
  for (let i = 0; i < ids.length; i++) ports.push({ broker: await freePort(), controller: await freePort(), internal: options.security ? await freePort() : undefined });
  const certificates = options.security?.tls ? await makeTestCertificates(await mkdtemp(join(workDir, 'certs-'))) : undefined;
  const security: ListenerSecurity | undefined = options.security && {
    ...options.security,
    protocol: listenerProtocol(options.security),
    keystoreFile: certificates?.brokerKeystoreFile,
    truststoreFile: certificates?.truststoreFile,
  };
  const layout: KafkaClusterLayout = {
    clusterId: newClusterId(),
    voters: ids.map((id, index) => `${id}@127.0.0.1:${ports[index].controller}`).join(','),
    nodeCount: options.nodes,
    libDir,
    workDir,
    javaCommand: options.javaCommand,
    heapMb: options.heapMb,
    security,
  };
  const nodes = ids.map((id, index) => new KafkaNode(id, ports[index], layout));
  const brokers = nodes.map((node) => node.broker);
  // Readiness and the tests' own set-up go through the plaintext listener; clients use `brokers`.
  const adminBrokers = nodes.map((node) => node.internalBroker);

  // Nothing asynchronous runs on 'exit': end the JVMs and the folder synchronously.
  const onExit = () => {
    nodes.forEach((node) => node.killNow());
    rmSync(workDir, { recursive: true, force: true });
  };
  process.on('exit', onExit);

  const waitUntilReady = (expectedBrokers: number) =>
    waitForBrokers(adminBrokers, {
      expectedBrokers,
      warmGroupCoordinator: true,
      timeoutMs: options.startTimeoutMs,
      abortIf: () => {
        const dead = nodes.find((node) => !node.running);
        return dead ? `Kafka node ${dead.nodeId} exited during start-up; see ${dead.logFile}` : undefined;
      },
    });

  const stop = async () => {
    process.off('exit', onExit);
    await Promise.all(nodes.map((node) => node.stop()));
    await rm(workDir, { recursive: true, force: true });
  };

  const started = Date.now();
  try {
    await Promise.all(nodes.map((node) => node.format()));
    await Promise.all(nodes.map((node) => node.start()));
    await waitUntilReady(nodes.length);
  } catch (error) {
    const logs = await Promise.all(nodes.map(async (node) => `--- node ${node.nodeId} log ---\n${await node.tail()}`));
    await stop();
    throw new BrokerUnavailableError(`Kafka ${options.version} did not start: ${(error as Error).message}\n${logs.join('\n')}`, {
      cause: error,
    });
  }
  options.log?.(`Kafka ${options.version} (${nodes.length} node(s)) answered at ${brokers.join(',')} after ${Date.now() - started} ms`);

  const control: KafkaTestNode[] = nodes.map((node) => ({
    nodeId: node.nodeId,
    broker: node.broker,
    get running() {
      return node.running;
    },
    stop: () => node.stop(),
    kill: () => node.kill(),
    start: async () => {
      await node.start();
      await waitForBrokers([node.internalBroker], { expectedBrokers: 1, timeoutMs: options.startTimeoutMs });
    },
    restart: async () => {
      await node.stop();
      await node.start();
      await waitForBrokers([node.internalBroker], { expectedBrokers: 1, timeoutMs: options.startTimeoutMs });
    },
  }));

  return {
    brokers,
    source: 'maven',
    version: options.version,
    nodes: control,
    security: security && clusterSecurity(security.protocol, certificates, adminBrokers),
    stop,
    restart: async () => {
      await Promise.all(nodes.map((node) => node.stop()));
      await Promise.all(nodes.map((node) => node.start()));
      await waitUntilReady(nodes.length);
    },
  };
}

function clusterSecurity(protocol: KafkaTestSecurity['protocol'], certificates: TestCertificates | undefined, adminBrokers: string[]): KafkaTestSecurity {
  return { protocol, ca: certificates?.ca, clientCert: certificates?.clientCert, clientKey: certificates?.clientKey, adminBrokers };
}
