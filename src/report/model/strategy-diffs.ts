/**
 * Between-strategy verdicts: per scenario step, each pair of strategies present (SSE vs long
 * polling, SSE vs short polling, long polling vs short polling, in that orientation) on each
 * headline figure of the verdict table, as `relativeDifference(a, b)` over the valid runs'
 * per-run values: the ratio of geometric means - 1 with a 95 % Welch interval on the logs.
 *
 * Multiple comparisons: the family is one scenario step (every pair x figure of it, what a
 * reader reads together). Its p-values are Holm-adjusted, and a difference is called
 * significant only when the adjusted p < 0.05 and the interval is clear of zero. The interval
 * shown is the unadjusted 95 % one, so an interval just clear of zero can still be "not
 * significant" once the step's other comparisons are accounted for (the legend says so).
 * Plain text and numbers; sections/strategy-diffs.ts renders them, the verdict's "vs best"
 * column reads them.
 */
import type { BenchResults } from "../../model/results.ts";
import type { StrategyId } from "../../model/strategies.ts";
import { holmAdjust, type RelativeDiff, relativeDifference } from "../../stats/index.ts";
import { formatAbsoluteChange, formatRelativeChange, NOT_AVAILABLE } from "./format.ts";
import { METRICS, type MetricId, VERDICT_METRICS } from "./metrics.ts";
import { groupByScenario, type RunGroup, stepKey, stepLabel } from "./run-groups.ts";

/** Significance level of the between-strategy verdicts (after Holm's adjustment). */
export const STRATEGY_DIFF_ALPHA = 0.05;

/** The pairs, in reading order and orientation: "a vs b" reads as a's change against b. */
export const STRATEGY_PAIRS: readonly (readonly [StrategyId, StrategyId])[] = [
  ["sse", "long-polling"],
  ["sse", "short-polling"],
  ["long-polling", "short-polling"],
  // Opt-in: the question WebSocket raises is what it adds over SSE for one-way delivery.
  ["websocket", "sse"],
];

export type StrategyDiffStatus =
  /** Both sides had >= 2 valid runs with the figure: an interval and a test. */
  | "tested"
  /** A side had fewer than 2: no interval can be told from one run. */
  | "single-runs"
  /** A side had no value (e.g. nothing delivered): nothing to compare. */
  | "not-measurable";

export interface StrategyDiff {
  metric: MetricId;
  status: StrategyDiffStatus;
  /** Null unless both sides had a value. */
  diff: RelativeDiff | null;
  /** Holm-adjusted across the step's family; null unless tested. */
  adjustedPValue: number | null;
  /** Adjusted p < alpha and the interval clear of zero. */
  significant: boolean;
  /** "−38 % [−45, −30]", "+3.1 %" (no interval), "n/a". */
  text: string;
  /** One sentence for a tooltip or a list: the pair, the figure, the numbers and the verdict. */
  sentence: string;
}

export interface StrategyPairDiffs {
  a: StrategyId;
  b: StrategyId;
  /** Valid runs per side, "3 vs 3". */
  runs: string;
  /** In VERDICT_METRICS order. */
  cells: StrategyDiff[];
  /** True when no figure could be tested (every side has fewer than 2 valid runs). */
  singleRuns: boolean;
}

export interface StepDiffs {
  scenario: string;
  step: string;
  /** groupKey-style identity of the step (scenario + step label). */
  key: string;
  pairs: StrategyPairDiffs[];
  /** Tests in the step's family (what Holm adjusted over). */
  family: number;
}

/** "sse vs long-polling". */
export function pairLabel(a: StrategyId, b: StrategyId): string {
  return `${a} vs ${b}`;
}

/** The change as text on the diff's own scale. */
function diffText(diff: RelativeDiff, metric: MetricId): string {
  if (diff.scale === "log") return formatRelativeChange(diff.estimate, diff.lo, diff.hi);
  const { figureToRaw, unit } = METRICS[metric];
  const raw = (x: number | null) => (x === null ? null : x * figureToRaw);
  return `${formatAbsoluteChange(diff.estimate * figureToRaw, raw(diff.lo), raw(diff.hi), unit)} (difference)`;
}

/** Per-run values of the group's valid runs, summary units; null when none had the figure. */
function valuesOf(group: RunGroup | undefined, metric: MetricId): number[] | null {
  const figure = METRICS[metric].figure;
  if (group === undefined || figure === null || group.valid.length === 0) return null;
  return group.summary.figures[figure]?.values ?? null;
}

function pairDiffs(
  a: RunGroup,
  b: RunGroup,
): { cells: Omit<StrategyDiff, "adjustedPValue" | "significant" | "sentence">[] } {
  const cells = VERDICT_METRICS.map((metric) => {
    const valuesA = valuesOf(a, metric);
    const valuesB = valuesOf(b, metric);
    if (valuesA === null || valuesB === null || valuesA.length === 0 || valuesB.length === 0) {
      return { metric, status: "not-measurable" as const, diff: null, text: NOT_AVAILABLE };
    }
    const diff = relativeDifference(valuesA, valuesB);
    const status = diff.lo === null ? ("single-runs" as const) : ("tested" as const);
    return { metric, status, diff, text: diffText(diff, metric) };
  });
  return { cells };
}

function sentenceOf(a: StrategyId, b: StrategyId, cell: Omit<StrategyDiff, "sentence">): string {
  const what = `${pairLabel(a, b)}, ${METRICS[cell.metric].label}`;
  if (cell.status === "not-measurable") return `${what}: not measurable on both sides`;
  if (cell.status === "single-runs") return `${what}: ${cell.text}, single runs: no interval`;
  const p =
    cell.adjustedPValue === null ? "" : `, adjusted p = ${cell.adjustedPValue.toPrecision(2)}`;
  return `${what}: ${cell.text}${p}, ${cell.significant ? "significant" : "not significant"}`;
}

/** The between-strategy verdicts of one scenario step's groups (one per strategy). */
export function buildStepDiffs(groups: readonly RunGroup[]): StepDiffs | null {
  const first = groups[0];
  if (first === undefined) return null;
  const byStrategy = new Map(groups.map((g) => [g.strategy, g]));
  const pairs = STRATEGY_PAIRS.flatMap(([a, b]) => {
    const groupA = byStrategy.get(a);
    const groupB = byStrategy.get(b);
    if (groupA === undefined || groupB === undefined) return [];
    return [{ a, b, groupA, groupB, ...pairDiffs(groupA, groupB) }];
  });
  if (pairs.length === 0) return null;
  // the family: every tested pair x figure of this step
  const tested = pairs.flatMap((pair) => pair.cells.filter((cell) => cell.status === "tested"));
  const adjusted = holmAdjust(tested.map((cell) => cell.diff?.pValue ?? null));
  const adjustedOf = new Map(tested.map((cell, i) => [cell, adjusted[i] ?? null]));
  return {
    scenario: first.scenario,
    step: stepLabel(first),
    key: stepKey(first),
    family: tested.length,
    pairs: pairs.map(({ a, b, groupA, groupB, cells }) => ({
      a,
      b,
      runs: `${groupA.valid.length} vs ${groupB.valid.length}`,
      singleRuns: cells.every((cell) => cell.status !== "tested"),
      cells: cells.map((cell) => {
        const adjustedPValue = adjustedOf.get(cell) ?? null;
        const diff = cell.diff;
        const clearOfZero =
          diff !== null && diff.lo !== null && diff.hi !== null && (diff.lo > 0 || diff.hi < 0);
        const significant =
          cell.status === "tested" &&
          adjustedPValue !== null &&
          adjustedPValue < STRATEGY_DIFF_ALPHA &&
          clearOfZero;
        const full = { ...cell, adjustedPValue, significant };
        return { ...full, sentence: sentenceOf(a, b, full) };
      }),
    })),
  };
}

/** Every sunny-day scenario step with at least two strategies, in report order. */
export function buildStrategyDiffs(results: BenchResults): StepDiffs[] {
  return groupByScenario(results).flatMap((scenario) => {
    const steps = new Map<string, RunGroup[]>();
    for (const group of scenario.groups) {
      const key = stepKey(group);
      steps.set(key, [...(steps.get(key) ?? []), group]);
    }
    return [...steps.values()].flatMap((groups) => {
      const diffs = buildStepDiffs(groups);
      return diffs === null ? [] : [diffs];
    });
  });
}

/** The diff of `strategy` against `other` on `metric` within a step, either orientation. */
export function findStrategyDiff(
  step: StepDiffs | undefined,
  strategy: StrategyId,
  other: StrategyId,
  metric: MetricId,
): StrategyDiff | null {
  const pair = step?.pairs.find(
    (p) => (p.a === strategy && p.b === other) || (p.a === other && p.b === strategy),
  );
  return pair?.cells.find((cell) => cell.metric === metric) ?? null;
}

/** How to read the between-strategy table, one paragraph. */
export const STRATEGY_DIFFS_LEGEND = `"a vs b": a's figure against b's on the same scenario step, as the ratio of their geometric means over the valid runs minus 1 (−38 %: a is 38 % lower; beyond −50 % .. +100 % the ratio itself, ×0.25: a is a quarter of b), with the 95 % Welch interval of that ratio (computed on the logarithms of the per-run values); a sample holding a 0 has no ratio, so there the plain difference in the figure's units is shown. Significant (bold) means: after Holm's adjustment across every pair and figure of that one scenario step, p < ${STRATEGY_DIFF_ALPHA}, and the interval is clear of zero; "n.s." marks everything else, which these runs cannot tell from noise. The interval itself is not adjusted, so one just clear of zero can still be n.s. Runs are the unit: per-run values, never the samples inside a run. See docs/methodology.md, "Repetitions and intervals".`;

/** What the section says when no step has the runs for an interval. */
export const SINGLE_RUNS_NOTE =
  "Single runs: no interval. Every strategy ran once per scenario step, and one run has no spread to measure, so no difference between strategies can be told from noise here; run npm run bench -- --repeat 3 (or more) for between-strategy verdicts.";
