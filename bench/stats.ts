/** A figure over several runs: its median, min and max. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** The q-quantile (0..1) of latencies, nearest rank. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Runs `measure` `runs` times and returns the spread of its results. */
export async function repeat(runs: number, measure: () => Promise<number>): Promise<Spread> {
  const values: number[] = [];
  for (let run = 0; run < runs; run += 1) values.push(await measure());
  return spread(values);
}
