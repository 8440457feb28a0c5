import type { Row } from './row.js';

const WIDTH = 980;
const LABEL_WIDTH = 430;
const BAR_HEIGHT = 12;
const ROW_HEIGHT = 48;
const TOP = 84;
const COLORS = { vs_builtin: '#2f6fb3', vs_kafkajs: '#e08a1e', vs_platformatic: '#7a4fb0' } as const;
const RATIOS = ['vs_builtin', 'vs_kafkajs', 'vs_platformatic'] as const;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Horizontal bars of each scenario's ratios (above 1: ours is better), with the line at 1× and each
 * goal marked, so the picture answers "faster than what, by how much, and is the goal met".
 */
export function ratioChart(rows: Row[], subtitle: string): string {
  const charted = rows.filter((r) => RATIOS.some((key) => r[key] !== undefined));
  const largest = Math.max(2, ...charted.flatMap((r) => [...RATIOS.map((key) => r[key] ?? 0), ...(r.goals ?? []).map((goal) => goal.atLeast ?? 0)]));
  // Headroom past the largest ratio or goal, so bars and marks never sit on the edge.
  const scaleMax = Math.ceil(largest * 1.1);
  const plotWidth = WIDTH - LABEL_WIDTH - 40;
  const x = (value: number) => LABEL_WIDTH + (Math.min(value, scaleMax) / scaleMax) * plotWidth;
  const height = TOP + charted.length * ROW_HEIGHT + 40;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">nestjs-kafka-transport: ratios to the baselines (above 1× = ours better; median of the runs)</text>`,
    `<text x="10" y="38" fill="#555">${escape(subtitle)}</text>`,
  ];
  for (let tick = 0; tick <= scaleMax; tick += 1) {
    parts.push(`<line x1="${x(tick)}" y1="${TOP - 8}" x2="${x(tick)}" y2="${height - 30}" stroke="${tick === 1 ? '#333' : '#ddd'}" stroke-width="${tick === 1 ? 1.5 : 1}"/>`);
    parts.push(`<text x="${x(tick)}" y="${height - 16}" text-anchor="middle" fill="#555">${tick}×</text>`);
  }
  charted.forEach((r, index) => {
    const y = TOP + index * ROW_HEIGHT;
    parts.push(`<text x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT + 2}" text-anchor="end">${escape(r.name)}</text>`);
    RATIOS.forEach((key, slot) => {
      const value = r[key];
      if (value === undefined) return;
      const top = y + slot * (BAR_HEIGHT + 2);
      parts.push(`<rect x="${LABEL_WIDTH}" y="${top}" width="${Math.max(1, x(value) - LABEL_WIDTH)}" height="${BAR_HEIGHT}" fill="${COLORS[key]}"/>`);
      parts.push(`<text x="${x(value) + 4}" y="${top + BAR_HEIGHT - 2}" font-size="11">${value.toFixed(2)}×</text>`);
    });
    for (const goal of r.goals ?? []) {
      if (goal.atLeast === undefined) continue;
      const slot = Math.max(0, RATIOS.indexOf(goal.ratio ?? 'vs_builtin'));
      const gx = x(goal.atLeast);
      parts.push(`<line x1="${gx}" y1="${y + slot * (BAR_HEIGHT + 2) - 3}" x2="${gx}" y2="${y + slot * (BAR_HEIGHT + 2) + BAR_HEIGHT + 3}" stroke="${goal.met ? '#2a9d3a' : '#c0392b'}" stroke-width="3"/>`);
    }
  });
  const legendY = 60;
  parts.push(`<rect x="${LABEL_WIDTH}" y="${legendY - 9}" width="10" height="10" fill="${COLORS.vs_builtin}"/><text x="${LABEL_WIDTH + 14}" y="${legendY}">vs built-in Transport.KAFKA</text>`);
  parts.push(`<rect x="${LABEL_WIDTH + 190}" y="${legendY - 9}" width="10" height="10" fill="${COLORS.vs_kafkajs}"/><text x="${LABEL_WIDTH + 204}" y="${legendY}">vs raw kafkajs</text>`);
  parts.push(`<rect x="${LABEL_WIDTH + 310}" y="${legendY - 9}" width="10" height="10" fill="${COLORS.vs_platformatic}"/><text x="${LABEL_WIDTH + 324}" y="${legendY}">vs raw platformatic</text>`);
  parts.push(`<text x="10" y="${legendY + 14}" fill="#555">goal mark: green met, red not met</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
