import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BrokerUnavailableError } from '../../src/errors/broker-unavailable.error.js';
import { defaultCacheDir } from '../../src/testing/user-cache-dir.js';
import { checkJava } from '../../src/testing/maven-kafka.js';
import { ensureMavenJars } from '../../src/testing/maven-jars.js';

const SPRING_KAFKA = 'org.springframework.kafka:spring-kafka:4.1.2';
const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'spring', 'SpringPeer.java');

export interface SpringPeerOptions {
  brokers: string[];
  /** The topic its `@KafkaListener` + `@SendTo` answers. */
  listen: string;
  group: string;
  /** Reply topic of the ReplyingKafkaTemplate with Spring's defaults (group-managed, binary correlation ids). */
  replies: string;
  /** Reply topic of the template whose reply container is pinned to partition 1 (it needs two partitions). */
  pinnedReplies: string;
}

export type SpringReply = { ok: true; partition: number; value: string } | { ok: false; error: string };

/**
 * A real Spring for Apache Kafka program (test/support/spring/SpringPeer.java): spring-kafka resolved
 * from Maven Central and compiled once into the jar cache, then run against the test kit's broker.
 * Without Java 17 or Maven it fails as the broker does, naming what is missing.
 */
export class SpringPeer {
  private readonly waiting = new Map<string, (reply: SpringReply) => void>();
  private readonly output: string[] = [];
  private nextId = 0;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {}

  static async start(options: SpringPeerOptions): Promise<SpringPeer> {
    const classpath = await compiledClasspath();
    const properties = {
      'peer.brokers': options.brokers.join(','),
      'peer.listen': options.listen,
      'peer.group': options.group,
      'peer.replies': options.replies,
      'peer.pinnedReplies': options.pinnedReplies,
      // Spring's and the Kafka client's INFO lines are many; warnings and errors still show.
      'org.slf4j.simpleLogger.defaultLogLevel': 'warn',
    };
    const args = [...Object.entries(properties).map(([key, value]) => `-D${key}=${value}`), '-cp', classpath, 'SpringPeer'];
    const peer = new SpringPeer(spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'] }));
    await peer.ready();
    return peer;
  }

  /** Sends `value` (a string as is, anything else as JSON, as Nest writes payloads) through one of the ReplyingKafkaTemplates and waits for what Spring makes of the reply. */
  request(template: 'default' | 'pinned', topic: string, value: unknown, timeoutMs: number): Promise<SpringReply> {
    const id = String(++this.nextId);
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin.write(`${id}\t${template}\t${topic}\t${timeoutMs}\t${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  }

  private ready(): Promise<void> {
    this.child.stderr.on('data', (chunk: Buffer) => this.keep(chunk.toString()));
    const lines = createInterface({ input: this.child.stdout });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`the Spring peer was not ready within 90 s:\n${this.output.join('')}`));
      }, 90_000);
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the Spring peer exited with ${code}:\n${this.output.join('')}`));
      });
      lines.on('line', (line) => {
        if (line === 'ready') {
          clearTimeout(timer);
          resolve();
          return;
        }
        const [id, outcome, ...rest] = line.split('\t');
        const settle = this.waiting.get(id);
        if (!settle) return this.keep(`${line}\n`);
        this.waiting.delete(id);
        settle(outcome === 'ok' ? { ok: true, partition: Number(rest[0]), value: rest[1] } : { ok: false, error: rest.join('\t') });
      });
    });
  }

  private keep(text: string): void {
    this.output.push(text);
    if (this.output.length > 200) this.output.shift();
  }
}

/** spring-kafka's jars and the peer's classes, compiled once per version of its source. */
async function compiledClasspath(): Promise<string> {
  checkJava('java');
  const home = join(defaultCacheDir(), 'spring-kafka-4.1.2');
  const lib = await ensureMavenJars({
    home,
    dependencies: [SPRING_KAFKA, 'org.slf4j:slf4j-simple:2.0.17'],
    expectedJar: 'spring-kafka-',
    what: 'Spring for Apache Kafka 4.1.2',
  });
  const source = await readFile(SOURCE);
  const classes = join(home, `classes-${createHash('sha256').update(source).digest('hex').slice(0, 12)}`);
  const classpath = `${classes}:${lib}/*`;
  if (existsSync(join(classes, 'SpringPeer.class'))) return classpath;
  // Compiled aside and moved in whole, so a concurrent run never sees half the classes.
  const building = `${classes}.${process.pid}`;
  await mkdir(building, { recursive: true });
  const compiled = spawnSync('javac', ['-d', building, '-cp', `${lib}/*`, SOURCE], { encoding: 'utf8', timeout: 120_000 });
  if (compiled.error || compiled.status !== 0) {
    await rm(building, { recursive: true, force: true });
    throw new BrokerUnavailableError(`javac could not compile ${SOURCE} (${compiled.error?.message ?? `exit ${compiled.status}`}; a JDK 17+ is needed, not only a JRE):\n${compiled.stderr}`);
  }
  await rename(building, classes).catch(() => rm(building, { recursive: true, force: true }));
  return classpath;
}
