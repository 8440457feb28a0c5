import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BrokerUnavailableError } from '../errors/broker-unavailable.error.js';
import { scramFormatArgs, securityProperties, type ListenerSecurity } from './security-properties.js';

/** What every node of one cluster shares. */
export interface KafkaClusterLayout {
  clusterId: string;
  /** `id@host:port` for each controller, as `controller.quorum.voters` wants them. */
  voters: string;
  nodeCount: number;
  libDir: string;
  workDir: string;
  javaCommand: string;
  heapMb: number;
  /** A secured client listener; without it clients use the one plaintext listener. */
  security?: ListenerSecurity;
}

export interface KafkaNodePorts {
  /** The client listener. */
  broker: number;
  controller: number;
  /** Brokers' own plaintext listener, where the client listener is secured. */
  internal?: number;
}

const STOP_GRACE_MS = 20_000;

/** The broker settings; only what differs from Kafka's defaults for a fast, local test node. */
export function serverProperties(nodeId: number, ports: KafkaNodePorts, layout: KafkaClusterLayout, dataDir: string): string {
  const replication = Math.min(3, layout.nodeCount);
  const minInSync = Math.max(1, replication - 1);
  const security = layout.security;
  const listeners = security
    ? [
        `listeners=EXTERNAL://127.0.0.1:${ports.broker},INTERNAL://127.0.0.1:${ports.internal},CONTROLLER://127.0.0.1:${ports.controller}`,
        `advertised.listeners=EXTERNAL://127.0.0.1:${ports.broker},INTERNAL://127.0.0.1:${ports.internal}`,
        `listener.security.protocol.map=EXTERNAL:${security.protocol},INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT`,
        'inter.broker.listener.name=INTERNAL',
        ...securityProperties(security),
      ]
    : [
        `listeners=PLAINTEXT://127.0.0.1:${ports.broker},CONTROLLER://127.0.0.1:${ports.controller}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${ports.broker}`,
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'inter.broker.listener.name=PLAINTEXT',
      ];
  return [
    'process.roles=broker,controller',
    `node.id=${nodeId}`,
    `controller.quorum.voters=${layout.voters}`,
    'controller.listener.names=CONTROLLER',
    ...listeners,
    `log.dirs=${dataDir}`,
    // A consumer group joins at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms=0',
    // KIP-848 groups: assignment changes travel on heartbeats, and a member that stopped answering
    // loses its partitions after the session timeout. Shorter than the defaults (5 s, 45 s), so that
    // tests see both within seconds, as they do with the classic protocol's client-side settings.
    'group.consumer.min.heartbeat.interval.ms=500',
    'group.consumer.heartbeat.interval.ms=1000',
    'group.consumer.min.session.timeout.ms=6000',
    'group.consumer.session.timeout.ms=8000',
    `default.replication.factor=${replication}`,
    `offsets.topic.replication.factor=${replication}`,
    `transaction.state.log.replication.factor=${replication}`,
    `transaction.state.log.min.isr=${minInSync}`,
    `share.coordinator.state.topic.replication.factor=${replication}`,
    `share.coordinator.state.topic.min.isr=${minInSync}`,
    'auto.create.topics.enable=true',
    '',
  ].join('\n');
}

const LOG4J2_PROPERTIES = [
  'status = warn',
  'appender.out.type = Console',
  'appender.out.name = OUT',
  'appender.out.layout.type = PatternLayout',
  'appender.out.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = WARN',
  'rootLogger.appenderRef.out.ref = OUT',
  // The "started" and "shutdown completed" lines make a node's log readable when a test fails.
  'logger.raft.name = kafka.server.KafkaRaftServer',
  'logger.raft.level = INFO',
  '',
].join('\n');

/** One KRaft broker+controller JVM, started and stopped by pid; its data survives a restart. */
export class KafkaNode {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private readonly home: string;

  constructor(
    readonly nodeId: number,
    readonly ports: KafkaNodePorts,
    private readonly layout: KafkaClusterLayout,
  ) {
    this.home = join(layout.workDir, `node-${nodeId}`);
  }

  /** `127.0.0.1:<port>`, the address clients bootstrap from. */
  get broker(): string {
    return `127.0.0.1:${this.ports.broker}`;
  }

  /** The plaintext address of the brokers' own listener: the client listener where that is not secured. */
  get internalBroker(): string {
    return `127.0.0.1:${this.ports.internal ?? this.ports.broker}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  get logFile(): string {
    return join(this.home, 'server.log');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Writes the configuration and formats the storage directory (Kafka's StorageTool). */
  async format(): Promise<void> {
    await mkdir(this.home, { recursive: true });
    await writeFile(
      this.propertiesFile,
      serverProperties(this.nodeId, this.ports, this.layout, join(this.home, 'data')),
    );
    await writeFile(join(this.home, 'log4j2.properties'), LOG4J2_PROPERTIES);
    const code = await this.runJava(
      ['kafka.tools.StorageTool', 'format', '-t', this.layout.clusterId, '-c', this.propertiesFile, ...scramFormatArgs(this.layout.security)],
      join(this.home, 'format.log'),
    ).exited;
    if (code !== 0) {
      throw new BrokerUnavailableError(
        `Kafka StorageTool format exited with ${code} for node ${this.nodeId}:\n${await this.tail('format.log')}`,
      );
    }
  }

  async start(): Promise<void> {
    if (this.child) return;
    const run = this.runJava(['kafka.Kafka', this.propertiesFile], this.logFile);
    this.child = run.child;
    this.exited = run.exited.then(() => {
      this.child = undefined;
    });
    await writeFile(join(this.home, 'kafka.pid'), `${run.child.pid}\n`);
  }

  /** Ends exactly the process this node started: SIGTERM for a clean shutdown, SIGKILL after a grace period. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(killer);
    await rm(join(this.home, 'kafka.pid'), { force: true });
  }

  /** Ends the process at once with SIGKILL, as a crash would, and resolves when it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
    await rm(join(this.home, 'kafka.pid'), { force: true });
  }

  /** For `process.on('exit')`, where nothing asynchronous runs any more. */
  killNow(): void {
    this.child?.kill('SIGKILL');
  }

  /** The node's last log lines, for errors. */
  async tail(file = 'server.log', lines = 30): Promise<string> {
    const text = await readFile(join(this.home, file), 'utf8').catch(() => '');
    return text.split('\n').slice(-lines).join('\n');
  }

  private get propertiesFile(): string {
    return join(this.home, 'server.properties');
  }

  private runJava(args: string[], logFile: string): { child: ChildProcess; exited: Promise<number | null> } {
    const log = openSync(logFile, 'a');
    const jvm = [
      `-Xms128m`,
      `-Xmx${this.layout.heapMb}m`,
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(this.home, 'log4j2.properties')}`,
      '-cp',
      join(this.layout.libDir, '*'),
    ];
    try {
      const child = spawn(this.layout.javaCommand, [...jvm, ...args], { stdio: ['ignore', log, log] });
      const exited = new Promise<number | null>((resolveExit) => {
        child.on('error', () => resolveExit(-1));
        child.on('exit', (code) => resolveExit(code));
      });
      return { child, exited };
    } finally {
      closeSync(log);
    }
  }
}
