import type { Spread } from '../stats.js';

/** What a scenario is measured against, from the goals in the README's performance section. */
export interface Goal {
  /** `vs_builtin`, `vs_kafkajs` or `vs_platformatic` at least `atLeast`, or ours' median at most `oursAtMost` or at least `oursAtLeast`. */
  ratio?: 'vs_builtin' | 'vs_kafkajs' | 'vs_platformatic';
  atLeast?: number;
  oursAtMost?: number;
  oursAtLeast?: number;
  text: string;
  met?: boolean;
}

/** One line of bench/results/latest.json. Ratios above 1 always mean ours is better. */
export interface Row {
  name: string;
  unit: string;
  lowerIsBetter: boolean;
  ours: Spread;
  kafkajs?: Spread;
  /** Raw @platformatic/kafka. */
  platformatic?: Spread;
  builtin?: Spread;
  ceiling?: Spread;
  vs_kafkajs?: number;
  vs_platformatic?: number;
  vs_builtin?: number;
  goals?: Goal[];
}

export interface RowInput {
  name: string;
  unit: string;
  lowerIsBetter?: boolean;
  ours: Spread;
  kafkajs?: Spread;
  platformatic?: Spread;
  builtin?: Spread;
  ceiling?: Spread;
  goals?: Omit<Goal, 'met'>[];
  /** False where figures near zero make a ratio meaningless (leftover memory). */
  compare?: boolean;
}

/** Median against median; none where a median is 0 or less (a ratio of nothing says nothing). */
function ratio(ours: Spread, other: Spread | undefined, lowerIsBetter: boolean): number | undefined {
  if (!other || ours.median <= 0 || other.median <= 0) return undefined;
  return Number((lowerIsBetter ? other.median / ours.median : ours.median / other.median).toFixed(2));
}

export function row(input: RowInput): Row {
  const lowerIsBetter = input.lowerIsBetter ?? false;
  const { compare = true, ...figures } = input;
  const result: Row = {
    ...figures,
    lowerIsBetter,
    vs_kafkajs: compare ? ratio(input.ours, input.kafkajs, lowerIsBetter) : undefined,
    vs_platformatic: compare ? ratio(input.ours, input.platformatic, lowerIsBetter) : undefined,
    vs_builtin: compare ? ratio(input.ours, input.builtin, lowerIsBetter) : undefined,
  };
  result.goals = input.goals?.map((goal) => {
    const value = goal.ratio ? result[goal.ratio] : undefined;
    const met =
      goal.ratio !== undefined && goal.atLeast !== undefined
        ? value !== undefined && value >= goal.atLeast
        : goal.oursAtLeast !== undefined
          ? input.ours.median >= goal.oursAtLeast
          : goal.oursAtMost !== undefined && input.ours.median <= goal.oursAtMost;
    return { ...goal, met };
  });
  return result;
}
