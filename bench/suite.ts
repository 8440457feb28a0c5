import type { Transports } from './apps.js';
import { row, type Row } from './report/row.js';
import { kafkaToolsCeiling } from './scenarios/ceiling.js';
import { eventThroughput } from './scenarios/events.js';
import { timedOutRequests, type MemoryFigures } from './scenarios/memory.js';
import { clientReadyTime } from './scenarios/ready-time.js';
import { requestReply, type RequestReplyFigures } from './scenarios/request-reply.js';
import { scaleOut } from './scenarios/scale-out.js';
import { steadyStream } from './scenarios/steady-stream.js';
import type { BenchSizes } from './sizes.js';
import { spread, type Spread } from './stats.js';

type Progress = (line: string) => void;

/**
 * Runs `measure` for each kind, `runs` times, kinds interleaved inside every run so that a slow
 * stretch of the shared machine lands on all of them alike. Returns each kind's spread.
 */
async function interleaved<K extends string, T>(kinds: readonly K[], runs: number, measure: (kind: K) => Promise<T>, progress: Progress): Promise<Record<K, T[]>> {
  const results = Object.fromEntries(kinds.map((kind) => [kind, [] as T[]])) as Record<K, T[]>;
  for (let run = 0; run < runs; run += 1) {
    for (const kind of kinds) {
      results[kind].push(await measure(kind));
      progress(`  run ${run + 1}/${runs} ${kind}: ${JSON.stringify(results[kind].at(-1))}`);
    }
  }
  return results;
}

const spreadOf = <T>(values: T[], pick: (value: T) => number): Spread => spread(values.map(pick));

export async function eventRows(brokers: string[], sizes: BenchSizes, progress: Progress): Promise<Row[]> {
  const rows: Row[] = [];
  for (const partitions of [1, 6]) {
    progress(`events, ${partitions} partition(s)`);
    const kinds = ['kafkajs', 'ours', 'builtin', 'ceiling'] as const;
    const results = await interleaved(kinds, sizes.runs, (kind) => (kind === 'ceiling' ? kafkaToolsCeiling(brokers, sizes.events, partitions).then((c) => Math.min(c.produce, c.consume)) : eventThroughput(kind, brokers, sizes.events, partitions)), progress);
    rows.push(
      row({
        name: `events: emit to @EventPattern, ${sizes.events} x 1 KB, ${partitions} partition(s)`,
        unit: 'messages/s',
        ours: spread(results.ours),
        kafkajs: spread(results.kafkajs),
        builtin: spread(results.builtin),
        ceiling: spread(results.ceiling),
        goals: [
          { ratio: 'vs_kafkajs', atLeast: 0.9, text: '≥ 0.9× raw kafkajs' },
          { ratio: 'vs_builtin', atLeast: 5, text: '≥ 5× built-in' },
        ],
      }),
    );
  }
  return rows;
}

export async function requestReplyRows(brokers: string[], sizes: BenchSizes, progress: Progress): Promise<Row[]> {
  progress('request-reply');
  const results = await interleaved(['ours', 'builtin'] as const, sizes.runs, (kind) => requestReply(kind, brokers, sizes.sequential, sizes.concurrent, sizes.callers), progress);
  const pair = (pick: (figures: RequestReplyFigures) => number) => ({ ours: spreadOf(results.ours, pick), builtin: spreadOf(results.builtin, pick) });
  const latency = (q: 'p50' | 'p99' | 'p999') => row({ name: `request-reply latency ${q}, concurrency 1 (${sizes.sequential} requests)`, unit: 'ms', lowerIsBetter: true, ...pair((f) => f[q]), goals: q === 'p99' ? [{ ratio: 'vs_builtin', atLeast: 1, text: 'p99 below the built-in' }] : undefined });
  return [
    latency('p50'),
    latency('p99'),
    latency('p999'),
    ...sizes.callers.map((callers) =>
      row({
        name: `request-reply throughput, ${callers} concurrent callers (${sizes.concurrent} requests)`,
        unit: 'requests/s',
        ...pair((f) => f.throughput[callers]),
        goals: callers === 64 ? [{ ratio: 'vs_builtin', atLeast: 2, text: '≥ 2× built-in' }] : undefined,
      }),
    ),
  ];
}

export async function readyTimeRows(brokers: string[], sizes: BenchSizes, progress: Progress): Promise<Row[]> {
  progress('client ready time');
  const results = await interleaved(['ours', 'builtin'] as const, sizes.runs, (kind) => clientReadyTime(kind, brokers), progress);
  return [row({ name: 'client ready time: connect() to first answered request', unit: 'ms', lowerIsBetter: true, ours: spread(results.ours), builtin: spread(results.builtin), goals: [{ ratio: 'vs_builtin', atLeast: 2, text: 'at most half the built-in' }] })];
}

export async function memoryRows(brokers: string[], sizes: BenchSizes, progress: Progress): Promise<Row[]> {
  progress(`memory: ${sizes.timeouts} requests that time out`);
  const results = await interleaved(['ours', 'builtin'] as const, sizes.runs, (kind: Transports) => timedOutRequests(kind, brokers, sizes.timeouts), progress);
  const pair = (pick: (figures: MemoryFigures) => number) => ({ ours: spreadOf(results.ours, pick), builtin: spreadOf(results.builtin, pick) });
  return [
    row({ name: `memory: heap growth at peak, ${sizes.timeouts} requests timing out`, unit: 'MiB', lowerIsBetter: true, ...pair((f) => f.heapPeakMb - f.heapBeforeMb) }),
    row({ name: `memory: RSS growth at peak, ${sizes.timeouts} requests timing out`, unit: 'MiB', lowerIsBetter: true, ...pair((f) => f.rssPeakMb - f.rssBeforeMb) }),
    row({
      name: `memory: heap left once all ${sizes.timeouts} timed out`,
      unit: 'MiB',
      lowerIsBetter: true,
      ...pair((f) => f.heapAfterMb - f.heapBeforeMb),
      compare: false,
      goals: [{ oursAtMost: 5, text: 'back to baseline (within 5 MiB)' }],
    }),
  ];
}

export async function scaleOutRows(brokers: string[], sizes: BenchSizes, progress: Progress): Promise<Row[]> {
  const rows: Row[] = [];
  for (const instances of sizes.scaleOutInstances) {
    progress(`scale-out: ${instances} instance(s)`);
    const results = await interleaved(['ours', 'builtin'] as const, sizes.runs, (kind) => scaleOut(kind, brokers, instances, sizes.scaleOutEvents), progress);
    rows.push(row({ name: `scale-out: ${instances} server instance(s), 6 partitions, 2 ms handler`, unit: 'messages/s', ours: spread(results.ours), builtin: spread(results.builtin) }));
  }
  return rows;
}

export async function steadyStreamRows(brokers: string[], sizes: BenchSizes, progress: Progress): Promise<Row[]> {
  if (sizes.steadyMs <= 0) return [];
  progress(`steady stream: ${sizes.steadyMs / 1000} s of request-reply, 64 callers`);
  const figures = await steadyStream(brokers, sizes.steadyMs);
  progress(`  ${figures.requests} requests; heap samples (MiB): ${figures.heapSamplesMb.map((mb) => mb.toFixed(1)).join(', ')}`);
  const growth = spread([figures.heapGrowthMb]);
  return [row({ name: `memory: heap growth over ${sizes.steadyMs / 1000} s of steady request-reply (${figures.requests} requests)`, unit: 'MiB', lowerIsBetter: true, ours: growth, goals: [{ oursAtMost: 5, text: 'flat (within 5 MiB)' }] })];
}
