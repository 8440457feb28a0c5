import type { Spread } from '../stats.js';
import type { Row } from './row.js';

const figure = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1));
const cell = (s?: Spread) => (s ? `${figure(s.median)} (${figure(s.min)}–${figure(s.max)})` : '–');
const ratioCell = (r?: number) => (r === undefined ? '–' : `${r.toFixed(2)}×`);
const goalCell = (row: Row) => (row.goals?.length ? row.goals.map((goal) => `${goal.met ? 'met' : 'not met'}: ${goal.text}`).join('; ') : '–');

/** The Markdown table printed at the end of a run and pasted into the README. */
export function markdownTable(rows: Row[]): string {
  const lines = [
    '| scenario | unit | ours | raw kafkajs | raw platformatic | built-in | Kafka tools | vs kafkajs | vs platformatic | vs built-in | goal |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.unit} | ${cell(r.ours)} | ${cell(r.kafkajs)} | ${cell(r.platformatic)} | ${cell(r.builtin)} | ${cell(r.ceiling)} | ${ratioCell(r.vs_kafkajs)} | ${ratioCell(r.vs_platformatic)} | ${ratioCell(r.vs_builtin)} | ${goalCell(r)} |`,
    ),
  ];
  return lines.join('\n');
}
