import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from '../../../bench/report/row.js';
import { testBrokers } from '../../support/test-kafka.js';

interface BenchReport {
  profile: string;
  machine: { cores: number; node: string; kafka: string; drivers: string[] };
  scenarios: Row[];
}

// The Node `npm run bench` runs on (scripts/run-bench.mjs), where both drivers run.
const BENCH_NODE = 'test/node-versions/node_modules/node22/bin/node';

/** `npm run bench`'s entry point at tiny sizes (BENCH_PROFILE=smoke) against the test broker. */
function runSmokeBench(outDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(BENCH_NODE, ['--expose-gc', 'bench/dist/run.js'], {
      env: { ...process.env, KAFKA_BROKERS: testBrokers().join(','), BENCH_PROFILE: 'smoke', BENCH_OUT: outDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm run bench, smoke sizes', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  let report: BenchReport;
  let svg: string;

  beforeAll(async () => {
    const { code, output } = await runSmokeBench(outDir);
    if (code !== 0) throw new Error(`bench exited with ${code}:\n${output.slice(-4000)}`);
    report = JSON.parse(readFileSync(join(outDir, 'latest.json'), 'utf8')) as BenchReport;
    svg = readFileSync(join(outDir, 'latest.svg'), 'utf8');
  }, 300_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  const rowsNamed = (prefix: string) => report.scenarios.filter((row) => row.name.startsWith(prefix));
  // Every scenario gives its rows driver by driver, kafkajs first.
  const perDriver = <T>(expected: T[]) => ['kafkajs', 'platformatic'].flatMap(() => expected);
  const onDriver = (driver: string) => report.scenarios.filter((row) => !row.name.startsWith('events:') && !row.name.startsWith('CPU') && row.name.endsWith(`ours on ${driver}`));

  it('measures events for ours on each driver, raw kafkajs, raw platformatic, the built-in and Kafka tools, on 1 and 6 partitions', () => {
    expect(report.machine.drivers).toEqual(['kafkajs', 'platformatic']);
    const events = rowsNamed('events:');
    expect(events.map((row) => row.name)).toEqual([
      expect.stringMatching(/1 partition\(s\), ours on kafkajs$/),
      expect.stringMatching(/1 partition\(s\), ours on platformatic$/),
      expect.stringMatching(/6 partition\(s\), ours on kafkajs$/),
      expect.stringMatching(/6 partition\(s\), ours on platformatic$/),
    ]);
    for (const row of events) {
      for (const figure of [row.ours, row.kafkajs, row.platformatic, row.builtin, row.ceiling]) expect(figure?.median).toBeGreaterThan(0);
      expect(row.vs_kafkajs).toBeCloseTo(row.ours.median / row.kafkajs!.median, 1);
      expect(row.vs_platformatic).toBeCloseTo(row.ours.median / row.platformatic!.median, 1);
      expect(row.vs_builtin).toBeCloseTo(row.ours.median / row.builtin!.median, 1);
    }
    expect(events[0].goals?.map((goal) => goal.text)).toEqual(['≥ 0.9× raw kafkajs', '≥ 5× built-in']);
    expect(events[1].goals?.map((goal) => goal.text)).toEqual(['≥ 1.2× raw kafkajs', '≥ 6× built-in']);
  });

  it('measures the CPU per 100k events of ours on each driver and of each raw driver', () => {
    const cpu = rowsNamed('CPU per 100k events');
    expect(cpu).toHaveLength(4);
    for (const row of cpu) {
      expect(row.lowerIsBetter).toBe(true);
      for (const figure of [row.ours, row.kafkajs, row.platformatic]) expect(figure?.median).toBeGreaterThan(0);
      expect(row.goals?.[0].text).toMatch(/^≤ 1\.2× the CPU of raw (kafkajs|platformatic)$/);
    }
  });

  it('measures request-reply latency quantiles and throughput at 64 and 512 callers against the built-in', () => {
    expect(rowsNamed('request-reply latency').map((row) => row.name.split(',')[0])).toEqual(perDriver(['request-reply latency p50', 'request-reply latency p99', 'request-reply latency p999']));
    const throughput = rowsNamed('request-reply throughput');
    expect(throughput.map((row) => row.name)).toEqual(perDriver([expect.stringContaining('64 concurrent'), expect.stringContaining('512 concurrent')]));
    // The same scenarios on both drivers (names without the driver and the request counts of the steady stream).
    const scenarioOf = (name: string) => name.replace(/ours on \w+$/, '').replace(/\(\d+ requests\)/, '');
    expect(onDriver('platformatic').map((row) => scenarioOf(row.name))).toEqual(onDriver('kafkajs').map((row) => scenarioOf(row.name)));
    for (const row of [...rowsNamed('request-reply'), ...rowsNamed('client ready time')]) {
      expect(row.ours.median).toBeGreaterThan(0);
      expect(row.builtin?.median).toBeGreaterThan(0);
      // Ratios above 1 mean ours is better, whichever way the unit points.
      const expected = row.lowerIsBetter ? row.builtin!.median / row.ours.median : row.ours.median / row.builtin!.median;
      expect(row.vs_builtin).toBeCloseTo(expected, 1);
    }
    expect(rowsNamed('client ready time')).toHaveLength(2);
  });

  it('measures memory around requests that time out, and a steady stream', () => {
    const memory = rowsNamed('memory:');
    expect(memory.map((row) => row.unit)).toEqual(perDriver(['MiB', 'MiB', 'MiB', 'MiB']));
    const peak = memory.find((row) => row.name.startsWith('memory: heap growth at peak'))!;
    // 500 pending requests, each holding a 1 KB payload, show on the heap.
    expect(peak.ours.median).toBeGreaterThan(0);
    expect(peak.builtin!.median).toBeGreaterThan(0);
    expect(memory.at(-1)!.name).toContain('steady request-reply');
  });

  it('measures the close time of an idle and of a busy server against the built-in', () => {
    const closes = rowsNamed('server close time');
    expect(closes.map((row) => row.name.split(' (')[0])).toEqual(perDriver(['server close time, idle', 'server close time, busy with a backlog of events']));
    for (const row of closes) {
      expect(row.ours.median).toBeGreaterThan(0);
      expect(row.builtin?.median).toBeGreaterThan(0);
    }
    // Not a speed goal but the defect: the idle close sat out the rest of kafkajs's 5 s fetch wait (4 s here).
    for (const row of closes.filter((r) => r.name.includes('idle'))) expect(row.ours.median).toBeLessThan(2500);
  });

  it('measures scale-out with two server instances (the full run adds one and three)', () => {
    const scaleOut = rowsNamed('scale-out:');
    expect(scaleOut.map((row) => row.name)).toEqual(perDriver([expect.stringContaining('2 server instance')]));
    for (const row of scaleOut) expect(row.ours.median).toBeGreaterThan(0);
  });

  it('measures a 5 ms handler at concurrency 8 against the built-in, with the goal its waits set (the full run adds 1 and 64)', () => {
    const waiting = rowsNamed('5 ms handler');
    expect(waiting.map((row) => row.name)).toEqual(perDriver([expect.stringContaining('concurrency 8,')]));
    for (const row of waiting) {
      expect(row.ours.median).toBeGreaterThan(0);
      expect(row.builtin?.median).toBeGreaterThan(0);
      expect(row.goals?.[0].text).toBe('≥ 0.8× the limit of 9600/s');
    }
  });

  it('writes the machine, a chart with every ratio and the Markdown table', () => {
    expect(report.profile).toBe('smoke');
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.kafka).toContain('KAFKA_BROKERS');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const row of report.scenarios.filter((r) => r.vs_builtin !== undefined)) expect(svg).toContain(row.name);
    expect(readFileSync(join(outDir, 'latest.md'), 'utf8')).toContain('| scenario | unit | ours |');
  });
});
