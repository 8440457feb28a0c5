import { useDriver, type Driver, type Transports } from './apps.js';
import { row, type Row } from './report/row.js';
import { kafkaToolsCeiling } from './scenarios/ceiling.js';
import type { EventFigures } from './scenarios/event-clock.js';
import { serverCloseTime, type CloseFigures } from './scenarios/close-time.js';
import { eventThroughput } from './scenarios/events.js';
import { timedOutRequests, type MemoryFigures } from './scenarios/memory.js';
import { clientReadyTime } from './scenarios/ready-time.js';
import { requestReply, type RequestReplyFigures } from './scenarios/request-reply.js';
import { scaleOut } from './scenarios/scale-out.js';
import { steadyStream } from './scenarios/steady-stream.js';
import { WAITING_HANDLER_MS, WAITING_PARTITIONS, waitingHandler } from './scenarios/waiting-handler.js';
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

/** The kind under which ours on `driver` is measured beside the baselines. */
const oursOn = (driver: Driver) => `ours-${driver}` as const;

/** For a kind of ours, makes the next measurement of 'ours' run on its driver; false for a baseline. */
function switchToOurs(kind: string): boolean {
  if (!kind.startsWith('ours-')) return false;
  useDriver(kind.slice('ours-'.length) as Driver);
  return true;
}

/**
 * Events on each driver of `drivers`, beside raw kafkajs, raw platformatic (where this Node runs
 * it), the built-in and Kafka's own tools, all interleaved in one run; and the CPU each spent.
 */
export async function eventRows(brokers: string[], sizes: BenchSizes, progress: Progress, drivers: Driver[]): Promise<Row[]> {
  const rows: Row[] = [];
  const raw = drivers.includes('platformatic') ? (['kafkajs', 'platformatic'] as const) : (['kafkajs'] as const);
  for (const partitions of [1, 6]) {
    progress(`events, ${partitions} partition(s)`);
    const kinds = [...raw, ...drivers.map(oursOn), 'builtin', 'ceiling'] as const;
    const results = await interleaved(
      kinds,
      sizes.runs,
      (kind): Promise<EventFigures> => {
        if (kind === 'ceiling') return kafkaToolsCeiling(brokers, sizes.events, partitions).then((c) => ({ perSecond: Math.min(c.produce, c.consume), cpuSecondsPer100k: Number.NaN }));
        return eventThroughput(switchToOurs(kind) ? 'ours' : (kind as 'kafkajs' | 'platformatic' | 'builtin'), brokers, sizes.events, partitions);
      },
      progress,
    );
    const figure = (kind: string, pick: (figures: EventFigures) => number) => (results[kind as keyof typeof results] ? spreadOf(results[kind as keyof typeof results], pick) : undefined);
    const rate = (figures: EventFigures) => figures.perSecond;
    const cpu = (figures: EventFigures) => figures.cpuSecondsPer100k;
    for (const driver of drivers) {
      rows.push(
        row({
          name: `events: emit to @EventPattern, ${sizes.events} x 1 KB, ${partitions} partition(s), ours on ${driver}`,
          unit: 'messages/s',
          ours: figure(oursOn(driver), rate)!,
          kafkajs: figure('kafkajs', rate),
          platformatic: figure('platformatic', rate),
          builtin: figure('builtin', rate),
          ceiling: figure('ceiling', rate),
          goals:
            driver === 'kafkajs'
              ? [
                  { ratio: 'vs_kafkajs', atLeast: 0.9, text: '≥ 0.9× raw kafkajs' },
                  { ratio: 'vs_builtin', atLeast: 5, text: '≥ 5× built-in' },
                ]
              : [
                  { ratio: 'vs_kafkajs', atLeast: 1.2, text: '≥ 1.2× raw kafkajs' },
                  { ratio: 'vs_builtin', atLeast: 6, text: '≥ 6× built-in' },
                ],
        }),
      );
    }
    for (const driver of drivers) {
      rows.push(
        row({
          name: `CPU per 100k events (this process: emitter, consumer, handler), ${partitions} partition(s), ours on ${driver}`,
          unit: 'CPU s',
          lowerIsBetter: true,
          ours: figure(oursOn(driver), cpu)!,
          kafkajs: figure('kafkajs', cpu),
          platformatic: figure('platformatic', cpu),
          builtin: figure('builtin', cpu),
          // At most 1.2× the CPU of the raw driver underneath: a ratio (raw / ours) of at least 0.83.
          goals: [{ ratio: driver === 'kafkajs' ? 'vs_kafkajs' : 'vs_platformatic', atLeast: 0.83, text: `≤ 1.2× the CPU of raw ${driver}` }],
        }),
      );
    }
  }
  return rows;
}

/**
 * Ours on each of `drivers` and the built-in, interleaved in every run. The built-in does not run
 * on our drivers, so it is measured once and each driver's rows compare against the same figures.
 */
async function oursOnEachDriverAndBuiltin<T>(drivers: Driver[], runs: number, measure: (kind: Transports) => Promise<T>, progress: Progress): Promise<{ ours: (driver: Driver) => T[]; builtin: T[] }> {
  const kinds = [...drivers.map(oursOn), 'builtin' as const];
  const results = await interleaved(
    kinds,
    runs,
    (kind) => measure(switchToOurs(kind) ? 'ours' : 'builtin'),
    progress,
  );
  return { ours: (driver) => results[oursOn(driver)], builtin: results.builtin };
}

/** Each driver's rows, named after the driver ours ran on. */
function rowsPerDriver(drivers: Driver[], rowsFor: (driver: Driver) => Row[]): Row[] {
  return drivers.flatMap((driver) => rowsFor(driver).map((measured) => ({ ...measured, name: `${measured.name}, ours on ${driver}` })));
}

export async function requestReplyRows(brokers: string[], sizes: BenchSizes, progress: Progress, drivers: Driver[]): Promise<Row[]> {
  progress('request-reply');
  const results = await oursOnEachDriverAndBuiltin(drivers, sizes.runs, (kind) => requestReply(kind, brokers, sizes.sequential, sizes.concurrent, sizes.callers), progress);
  return rowsPerDriver(drivers, (driver) => {
    const pair = (pick: (figures: RequestReplyFigures) => number) => ({ ours: spreadOf(results.ours(driver), pick), builtin: spreadOf(results.builtin, pick) });
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
          goals: callers === 64 ? [{ ratio: 'vs_builtin', atLeast: 3, text: '≥ 3× built-in' }] : undefined,
        }),
      ),
    ];
  });
}

export async function readyTimeRows(brokers: string[], sizes: BenchSizes, progress: Progress, drivers: Driver[]): Promise<Row[]> {
  progress('client ready time');
  const results = await oursOnEachDriverAndBuiltin(drivers, sizes.runs, (kind) => clientReadyTime(kind, brokers), progress);
  return rowsPerDriver(drivers, (driver) => [
    row({ name: 'client ready time: connect() to first answered request', unit: 'ms', lowerIsBetter: true, ours: spread(results.ours(driver)), builtin: spread(results.builtin), goals: [{ ratio: 'vs_builtin', atLeast: 2, text: 'at most half the built-in' }] }),
  ]);
}

export async function closeTimeRows(brokers: string[], sizes: BenchSizes, progress: Progress, drivers: Driver[]): Promise<Row[]> {
  progress('server close time');
  const results = await oursOnEachDriverAndBuiltin(drivers, sizes.runs, (kind) => serverCloseTime(kind, brokers), progress);
  return rowsPerDriver(drivers, (driver) => {
    const pair = (pick: (figures: CloseFigures) => number) => ({ ours: spreadOf(results.ours(driver), pick), builtin: spreadOf(results.builtin, pick) });
    return [
      row({ name: 'server close time, idle (app.close())', unit: 'ms', lowerIsBetter: true, ...pair((f) => f.idleMs), goals: [{ oursAtMost: 1000, text: 'well under a second' }] }),
      row({ name: 'server close time, busy with a backlog of events (app.close())', unit: 'ms', lowerIsBetter: true, ...pair((f) => f.busyMs) }),
    ];
  });
}

export async function memoryRows(brokers: string[], sizes: BenchSizes, progress: Progress, drivers: Driver[]): Promise<Row[]> {
  progress(`memory: ${sizes.timeouts} requests that time out`);
  const results = await oursOnEachDriverAndBuiltin(drivers, sizes.runs, (kind) => timedOutRequests(kind, brokers, sizes.timeouts), progress);
  return rowsPerDriver(drivers, (driver) => {
    const pair = (pick: (figures: MemoryFigures) => number) => ({ ours: spreadOf(results.ours(driver), pick), builtin: spreadOf(results.builtin, pick) });
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
  });
}

export async function scaleOutRows(brokers: string[], sizes: BenchSizes, progress: Progress, drivers: Driver[]): Promise<Row[]> {
  const measured = new Map<number, Awaited<ReturnType<typeof oursOnEachDriverAndBuiltin<number>>>>();
  for (const instances of sizes.scaleOutInstances) {
    progress(`scale-out: ${instances} instance(s)`);
    measured.set(instances, await oursOnEachDriverAndBuiltin(drivers, sizes.runs, (kind) => scaleOut(kind, brokers, instances, sizes.scaleOutEvents), progress));
  }
  return rowsPerDriver(drivers, (driver) =>
    sizes.scaleOutInstances.map((instances) =>
      row({ name: `scale-out: ${instances} server instance(s), 6 partitions, 2 ms handler`, unit: 'messages/s', ours: spread(measured.get(instances)!.ours(driver)), builtin: spread(measured.get(instances)!.builtin) }),
    ),
  );
}

/**
 * A handler that waits 5 ms, at each concurrency, beside the built-in with
 * partitionsConsumedConcurrently: 6. The goal is 0.8x of the limit the waits set (concurrency x 200/s
 * per partition); at 64 the limit is the fast-handler rate, which the events rows measure.
 */
export async function waitingHandlerRows(brokers: string[], sizes: BenchSizes, progress: Progress, drivers: Driver[]): Promise<Row[]> {
  const measured = new Map<number, Awaited<ReturnType<typeof oursOnEachDriverAndBuiltin<number>>>>();
  const eventsAt = (concurrency: number) => sizes.waitingEvents * (concurrency === 1 ? 1 : 4);
  for (const concurrency of sizes.waitingConcurrencies) {
    progress(`${WAITING_HANDLER_MS} ms handler at concurrency ${concurrency}`);
    measured.set(concurrency, await oursOnEachDriverAndBuiltin(drivers, sizes.runs, (kind) => waitingHandler(kind, brokers, concurrency, eventsAt(concurrency)), progress));
  }
  return rowsPerDriver(drivers, (driver) =>
    sizes.waitingConcurrencies.map((concurrency) => {
      const limit = WAITING_PARTITIONS * concurrency * (1000 / WAITING_HANDLER_MS);
      return row({
        name: `${WAITING_HANDLER_MS} ms handler, concurrency ${concurrency}, ${WAITING_PARTITIONS} partitions, ${eventsAt(concurrency)} events (built-in: partitionsConsumedConcurrently ${WAITING_PARTITIONS})`,
        unit: 'messages/s',
        ours: spread(measured.get(concurrency)!.ours(driver)),
        builtin: spread(measured.get(concurrency)!.builtin),
        goals: concurrency < 64 ? [{ oursAtLeast: Math.round(0.8 * limit), text: `≥ 0.8× the limit of ${limit}/s` }] : undefined,
      });
    }),
  );
}

export async function steadyStreamRows(brokers: string[], sizes: BenchSizes, progress: Progress, drivers: Driver[]): Promise<Row[]> {
  if (sizes.steadyMs <= 0) return [];
  const rows: Row[] = [];
  for (const driver of drivers) {
    progress(`steady stream: ${sizes.steadyMs / 1000} s of request-reply, 64 callers, ours on ${driver}`);
    useDriver(driver);
    const figures = await steadyStream(brokers, sizes.steadyMs);
    progress(`  ${figures.requests} requests; heap samples (MiB): ${figures.heapSamplesMb.map((mb) => mb.toFixed(1)).join(', ')}`);
    const growth = spread([figures.heapGrowthMb]);
    rows.push(row({ name: `memory: heap growth over ${sizes.steadyMs / 1000} s of steady request-reply (${figures.requests} requests), ours on ${driver}`, unit: 'MiB', lowerIsBetter: true, ours: growth, goals: [{ oursAtMost: 5, text: 'flat (within 5 MiB)' }] }));
  }
  return rows;
}
