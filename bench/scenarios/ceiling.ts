import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { kafkaJars, uniqueTopic } from 'nestjs-kafka-transport/testing';
import { createTopics } from './bench-kafka.js';

export interface CeilingFigures {
  /** ProducerPerformance: records/s sent with acks=all. */
  produce: number;
  /** ConsumerPerformance: records/s fetched, not counting the group join. */
  consume: number;
}

/**
 * Kafka's own ProducerPerformance then ConsumerPerformance (Java client, same jars as the broker)
 * on a fresh topic: what this machine and broker can move, 1 KB records.
 */
export async function kafkaToolsCeiling(brokers: string[], records: number, partitions: number): Promise<CeilingFigures> {
  const topic = uniqueTopic('bench-ceiling');
  await createTopics(brokers, [topic], partitions);
  const bootstrap = brokers.join(',');
  const produced = await runTool('org.apache.kafka.tools.ProducerPerformance', [
    '--topic', topic, '--num-records', String(records), '--record-size', '1024', '--throughput', '-1',
    '--command-property', `bootstrap.servers=${bootstrap}`, 'acks=all',
  ]);
  // "200000 records sent, 61523.1 records/sec (60.08 MB/sec), ..."
  const produce = Number(/records sent, ([\d.]+) records\/sec/.exec(produced)?.[1]);
  const consumed = await runTool('org.apache.kafka.tools.ConsumerPerformance', ['--bootstrap-server', bootstrap, '--topic', topic, '--num-records', String(records), '--timeout', '60000']);
  // CSV: header line, then one data line whose last field is fetch.nMsg.sec.
  const lines = consumed.trim().split('\n').filter((line) => /^\d{4}-/.test(line));
  const consume = Number(lines.at(-1)?.split(',').at(-1));
  if (!(produce > 0) || !(consume > 0)) throw new Error(`could not read Kafka's perf tool figures:\n${produced}\n${consumed}`);
  return { produce, consume };
}

async function runTool(mainClass: string, args: string[]): Promise<string> {
  const lib = await kafkaJars();
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  return new Promise((resolve, reject) => {
    const child = spawn(java, ['-Xmx512m', '-cp', join(lib, '*'), mainClass, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${mainClass} exited with ${code}:\n${output}`))));
  });
}
