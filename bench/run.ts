import { benchDrivers } from './apps.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { startKafka } from 'nestjs-kafka-transport/testing';
import { ratioChart } from './report/chart.js';
import type { Row } from './report/row.js';
import { markdownTable } from './report/table.js';
import { benchSizes } from './sizes.js';
import { closeTimeRows, eventRows, memoryRows, readyTimeRows, requestReplyRows, scaleOutRows, steadyStreamRows, waitingHandlerRows } from './suite.js';

/**
 * `npm run bench`: every scenario for this transport, on each driver this Node runs, and its
 * baselines in one run, on one broker, then bench/results/latest.json, latest.svg and a Markdown
 * table. Sizes: bench/sizes.ts (BENCH_PROFILE=smoke|full|long); BENCH_ONLY picks scenarios;
 * BENCH_DRIVER one driver; BENCH_OUT moves the results folder.
 */
// Each interleaves ours on every driver with its baselines in each run.
const SCENARIOS = {
  events: eventRows,
  'request-reply': requestReplyRows,
  'ready-time': readyTimeRows,
  'close-time': closeTimeRows,
  memory: memoryRows,
  'scale-out': scaleOutRows,
  'waiting-handler': waitingHandlerRows,
  'steady-stream': steadyStreamRows,
};
const SCENARIO_NAMES = Object.keys(SCENARIOS);

/** BENCH_ONLY=memory,steady-stream runs just those scenarios. */
function onlyScenarios(): string[] | undefined {
  const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = only?.filter((name) => !SCENARIO_NAMES.includes(name));
  if (unknown?.length) throw new Error(`BENCH_ONLY: unknown scenario(s) ${unknown.join(', ')}; choose from ${SCENARIO_NAMES.join(', ')}`);
  return only?.length ? only : undefined;
}

async function main(): Promise<void> {
  const sizes = benchSizes();
  const only = onlyScenarios();
  const outDir = process.env.BENCH_OUT ?? join('bench', 'results');
  const progress = (line: string) => console.log(line);
  const cluster = await startKafka({ log: (line) => console.log(`[kafka] ${line}`) });
  const rows: Row[] = [];
  const started = Date.now();
  const drivers = benchDrivers();
  try {
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      if (only && !only.includes(name)) continue;
      rows.push(...(await scenario(cluster.brokers, sizes, progress, drivers)));
    }
  } finally {
    await cluster.stop();
  }

  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    drivers,
    kafka: cluster.version ? `Apache Kafka ${cluster.version} (${cluster.source}, 1 KRaft node)` : `${cluster.source} ${cluster.brokers.join(',')}`,
  };
  const date = new Date().toISOString();
  const report = { date, machine, profile: sizes.profile, runs: sizes.runs, sizes, seconds: Math.round((Date.now() - started) / 1000), scenarios: rows };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  const subtitle = `${date.slice(0, 10)}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ours on ${machine.drivers.join(' and ')}, ${machine.kafka}; ${sizes.runs} run(s) per figure`;
  writeFileSync(join(outDir, 'latest.svg'), ratioChart(rows, subtitle));
  const table = markdownTable(rows);
  writeFileSync(join(outDir, 'latest.md'), `${subtitle}\n\n${table}\n`);
  console.log(`\n${table}\n\n${subtitle}\nwritten: ${join(outDir, 'latest.json')}, latest.svg, latest.md (each figure: median (min–max))`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
