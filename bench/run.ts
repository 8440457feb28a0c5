import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { startKafka } from 'nestjs-kafka-transport/testing';
import { clientReadyTime, eventThroughput, requestReply, type RequestReplyFigures } from './scenarios.js';
import { repeat, spread, type Spread } from './stats.js';

/**
 * `npm run bench`: every scenario for this transport and its baselines in one run, on one broker.
 * Sizes come from the environment so a smoke run stays tiny: BENCH_EVENTS, BENCH_RUNS,
 * BENCH_SEQUENTIAL, BENCH_CONCURRENT.
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 500);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 5_000);

interface Row {
  name: string;
  unit: string;
  ours: Spread;
  kafkajs?: Spread;
  builtin: Spread;
  vs_kafkajs?: number;
  vs_builtin: number;
}

function row(name: string, unit: string, ours: Spread, builtin: Spread, kafkajs?: Spread, lowerIsBetter = false): Row {
  const ratio = (a: Spread, b: Spread) => Number((lowerIsBetter ? b.median / a.median : a.median / b.median).toFixed(2));
  return { name, unit, ours, kafkajs, builtin, vs_kafkajs: kafkajs && ratio(ours, kafkajs), vs_builtin: ratio(ours, builtin) };
}

async function requestReplySpreads(kind: 'ours' | 'builtin', brokers: string[]) {
  const figures: RequestReplyFigures[] = [];
  for (let run = 0; run < RUNS; run += 1) figures.push(await requestReply(kind, brokers, SEQUENTIAL, CONCURRENT));
  const of = (key: keyof RequestReplyFigures) => spread(figures.map((figure) => figure[key]));
  return { p50: of('p50'), p99: of('p99'), p999: of('p999'), throughput64: of('throughput64') };
}

async function main(): Promise<void> {
  const cluster = await startKafka({ log: (line) => console.log(`[kafka] ${line}`) });
  const rows: Row[] = [];
  try {
    for (const partitions of [1, 6]) {
      const measure = (kind: 'ours' | 'builtin' | 'kafkajs') => repeat(RUNS, () => eventThroughput(kind, cluster.brokers, EVENTS, partitions));
      const kafkajs = await measure('kafkajs');
      const ours = await measure('ours');
      const builtin = await measure('builtin');
      rows.push(row(`events, ${EVENTS} x 1 KB, ${partitions} partition(s)`, 'messages/s', ours, builtin, kafkajs));
    }
    const ours = await requestReplySpreads('ours', cluster.brokers);
    const builtin = await requestReplySpreads('builtin', cluster.brokers);
    rows.push(row('request-reply latency p50, concurrency 1', 'ms', ours.p50, builtin.p50, undefined, true));
    rows.push(row('request-reply latency p99, concurrency 1', 'ms', ours.p99, builtin.p99, undefined, true));
    rows.push(row('request-reply latency p999, concurrency 1', 'ms', ours.p999, builtin.p999, undefined, true));
    rows.push(row(`request-reply throughput, 64 callers, ${CONCURRENT} requests`, 'requests/s', ours.throughput64, builtin.throughput64));
    const ready = (kind: 'ours' | 'builtin') => repeat(RUNS, () => clientReadyTime(kind, cluster.brokers));
    rows.push(row('client ready time: connect() to first answered request', 'ms', await ready('ours'), await ready('builtin'), undefined, true));
  } finally {
    await cluster.stop();
  }

  const fmt = (s?: Spread) => (s ? `${s.median.toFixed(1)} (${s.min.toFixed(1)}-${s.max.toFixed(1)})` : '-');
  console.log(`\n| scenario | unit | ours | kafkajs | built-in | vs kafkajs | vs built-in |\n| --- | --- | --- | --- | --- | --- | --- |`);
  for (const r of rows) console.log(`| ${r.name} | ${r.unit} | ${fmt(r.ours)} | ${fmt(r.kafkajs)} | ${fmt(r.builtin)} | ${r.vs_kafkajs ?? '-'} | ${r.vs_builtin} |`);
  const machine = { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, kafka: cluster.version ?? cluster.source };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/latest.json', `${JSON.stringify({ date: new Date().toISOString(), machine, runs: RUNS, scenarios: rows }, null, 2)}\n`);
  console.log('\nwritten: bench/results/latest.json (each figure: median (min-max) of', RUNS, 'runs)');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
