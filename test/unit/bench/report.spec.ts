import { ratioChart } from '../../../bench/report/chart.js';
import { row } from '../../../bench/report/row.js';
import { markdownTable } from '../../../bench/report/table.js';
import { benchSizes } from '../../../bench/sizes.js';
import { spread } from '../../../bench/stats.js';

describe('bench report rows', () => {
  it('turns medians into ratios where above 1 means ours is better, both for rates and for times', () => {
    const rate = row({ name: 'events', unit: 'messages/s', ours: spread([900, 1000, 1100]), kafkajs: spread([1000]), builtin: spread([100, 200, 300]) });
    expect(rate.vs_kafkajs).toBe(1);
    expect(rate.vs_builtin).toBe(5);
    const latency = row({ name: 'p99', unit: 'ms', lowerIsBetter: true, ours: spread([4]), builtin: spread([10]) });
    expect(latency.vs_builtin).toBe(2.5);
  });

  it('gives no ratio when a median is zero or below', () => {
    const leftover = row({ name: 'heap left', unit: 'MiB', lowerIsBetter: true, ours: spread([-0.2, 0.1, -0.1]), builtin: spread([3]) });
    expect(leftover.vs_builtin).toBeUndefined();
  });

  it('gives no ratio for a row that asks for none, and keeps its figures', () => {
    const leftover = row({ name: 'heap left', unit: 'MiB', lowerIsBetter: true, ours: spread([0.1]), builtin: spread([0.3]), compare: false });
    expect(leftover.vs_builtin).toBeUndefined();
    expect(leftover.builtin?.median).toBe(0.3);
    expect(leftover).not.toHaveProperty('compare');
  });

  it('marks each goal met or not from the ratio it names, or from ours alone', () => {
    const events = row({
      name: 'events',
      unit: 'messages/s',
      ours: spread([800]),
      kafkajs: spread([1000]),
      builtin: spread([100]),
      goals: [
        { ratio: 'vs_kafkajs', atLeast: 0.9, text: 'a' },
        { ratio: 'vs_builtin', atLeast: 5, text: 'b' },
      ],
    });
    expect(events.goals?.map((goal) => goal.met)).toEqual([false, true]);
    const flat = row({ name: 'heap', unit: 'MiB', ours: spread([6]), goals: [{ oursAtMost: 5, text: 'flat' }] });
    expect(flat.goals?.[0].met).toBe(false);
  });

  it('prints median (min–max) cells and the goal verdicts in the Markdown table', () => {
    const table = markdownTable([row({ name: 'p50', unit: 'ms', lowerIsBetter: true, ours: spread([2, 3, 4]), builtin: spread([6]), goals: [{ ratio: 'vs_builtin', atLeast: 1, text: 'below' }] })]);
    expect(table.split('\n')[2]).toBe('| p50 | ms | 3.0 (2.0–4.0) | – | – | 6.0 (6.0–6.0) | – | – | – | 2.00× | met: below |');
  });

  it('charts only rows with a ratio, escaping their names', () => {
    const svg = ratioChart(
      [row({ name: 'a < b', unit: 'x', ours: spread([2]), builtin: spread([1]) }), row({ name: 'no baseline', unit: 'x', ours: spread([1]) })],
      'machine',
    );
    expect(svg).toContain('a &lt; b');
    expect(svg).not.toContain('no baseline');
    expect(svg).toContain('2.00×');
  });
});

describe('bench sizes', () => {
  it('defaults to the full profile and lets one variable override one size', () => {
    const sizes = benchSizes({ BENCH_EVENTS: '1000' });
    expect(sizes.profile).toBe('full');
    expect(sizes.events).toBe(1000);
    expect(sizes.runs).toBeGreaterThanOrEqual(5);
  });

  it('names the variable and the accepted values when one is wrong', () => {
    expect(() => benchSizes({ BENCH_PROFILE: 'huge' })).toThrow('BENCH_PROFILE must be smoke, full or long; got "huge"');
    expect(() => benchSizes({ BENCH_RUNS: 'five' })).toThrow('BENCH_RUNS must be a whole number, got "five"');
  });
});
