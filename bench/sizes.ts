/**
 * How big each scenario runs. `BENCH_PROFILE` picks a set (smoke: seconds, inside `npm test`;
 * full: the published figures; long: full plus the 10-minute steady stream); single `BENCH_*`
 * variables override one size.
 */
export interface BenchSizes {
  profile: 'smoke' | 'full' | 'long';
  /** Repetitions of every measurement; figures are their median, min and max. */
  runs: number;
  /** Events per throughput run. */
  events: number;
  /** Sequential requests for the latency quantiles. */
  sequential: number;
  /** Requests per concurrent-callers throughput run. */
  concurrent: number;
  /** Caller counts for the throughput runs. */
  callers: number[];
  /** Requests left to time out in the memory scenario. */
  timeouts: number;
  /** Events per scale-out run. */
  scaleOutEvents: number;
  /** Server instance counts of the scale-out runs. */
  scaleOutInstances: number[];
  /** Milliseconds of the steady request stream (0: not run). */
  steadyMs: number;
  /** Events per run of the 5 ms handler at concurrency 1 (four times as many above it). */
  waitingEvents: number;
  /** The concurrencies (records of a partition at once) the 5 ms handler runs at. */
  waitingConcurrencies: number[];
}

const PROFILES: Record<BenchSizes['profile'], Omit<BenchSizes, 'profile'>> = {
  smoke: { runs: 1, events: 200, sequential: 20, concurrent: 200, callers: [64, 512], timeouts: 500, scaleOutEvents: 120, scaleOutInstances: [2], steadyMs: 3000, waitingEvents: 120, waitingConcurrencies: [8] },
  full: { runs: 5, events: 200_000, sequential: 2000, concurrent: 20_000, callers: [64, 512], timeouts: 100_000, scaleOutEvents: 3000, scaleOutInstances: [1, 2, 3], steadyMs: 0, waitingEvents: 6000, waitingConcurrencies: [1, 8, 64] },
  long: { runs: 5, events: 200_000, sequential: 2000, concurrent: 20_000, callers: [64, 512], timeouts: 100_000, scaleOutEvents: 3000, scaleOutInstances: [1, 2, 3], steadyMs: 600_000, waitingEvents: 6000, waitingConcurrencies: [1, 8, 64] },
};

export function benchSizes(env: NodeJS.ProcessEnv = process.env): BenchSizes {
  const profile = (env.BENCH_PROFILE ?? 'full') as BenchSizes['profile'];
  const base = PROFILES[profile];
  if (!base) throw new Error(`BENCH_PROFILE must be smoke, full or long; got "${profile}"`);
  const number = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
    return value;
  };
  return {
    profile,
    runs: Math.max(1, number('BENCH_RUNS', base.runs)),
    events: number('BENCH_EVENTS', base.events),
    sequential: number('BENCH_SEQUENTIAL', base.sequential),
    concurrent: number('BENCH_CONCURRENT', base.concurrent),
    callers: base.callers,
    timeouts: number('BENCH_TIMEOUTS', base.timeouts),
    scaleOutEvents: number('BENCH_SCALE_OUT_EVENTS', base.scaleOutEvents),
    scaleOutInstances: base.scaleOutInstances,
    steadyMs: number('BENCH_STEADY_MS', base.steadyMs),
    waitingEvents: number('BENCH_WAITING_EVENTS', base.waitingEvents),
    waitingConcurrencies: base.waitingConcurrencies,
  };
}
