/**
 * Comparison of two runs as data: the same scenario step x strategy (matched by groupKey) side
 * by side, each headline figure compared on its per-run values (valid runs only) with a
 * statistical verdict: improved, regressed, within noise or inconclusive (model/sample-verdicts.ts:
 * compareSamples, Holm-adjusted across every figure x group of the comparison, fault times to
 * recover included), plus the lines that introduce it. Fault runs are compared apart, on their
 * own numbers (fault-comparison.ts). Plain text; sections/comparison.ts renders it.
 */
import type { BenchResults } from "../../model/results.ts";
import type { SampleComparison, Verdict } from "../../stats/index.ts";
import {
  buildFaultComparisonRows,
  type FaultComparisonRow,
  finishFaultComparison,
} from "./fault-comparison.ts";
import { formatValue, NOT_AVAILABLE } from "./format.ts";
import { describeEnvironment } from "./method-line.ts";
import { METRICS, type MetricId, VERDICT_METRICS } from "./metrics.ts";
import {
  compareRuns,
  groupRepetitions,
  type PairStatus,
  pairStatus,
  type RunGroup,
  stepLabel,
  sunnyDayRuns,
} from "./run-groups.ts";
import {
  changeText,
  countVerdicts,
  decideFamily,
  MIN_RUNS_PER_SIDE,
  type SampleTest,
  verdictPhrase,
} from "./sample-verdicts.ts";

/** A comparison shows the verdict's columns, so the two pages read alike. */
const COMPARED: readonly MetricId[] = VERDICT_METRICS;

/** How the verdicts are decided, printed with every comparison. */
export const COMPARISON_LEGEND = `Each figure is compared on its per-run values, valid runs only: B vs A as the ratio of geometric means minus 1, with a 95 % Welch interval computed on the logarithms ("+4 % [−5, +15]"; beyond −50 % .. +100 % as a multiple, "×2.0 [1.9, 2.2]"; a sample holding a 0 has no ratio: then the plain difference in the figure's units). p-values are Holm-adjusted across every figure x group of this comparison (fault times to recover included), so the chance that any "improved" or "regressed" below is noise stays under 5 %. Improved / regressed: adjusted p < 0.05 and the interval clear of zero. Within noise: these runs show no change beyond their own run-to-run noise; when the interval is wider than ±5 %, the cell says how many runs per side would resolve it that far. Inconclusive: fewer than ${MIN_RUNS_PER_SIDE} valid runs on a side (two files of single runs always are; run both with --repeat ${MIN_RUNS_PER_SIDE} or more). Groups invalid in either file are not compared. See docs/methodology.md, "Repetitions and intervals".`;

export interface ComparedCell {
  /** "2.13 ms → 4.27 ms" (means of the valid runs). */
  values: string;
  /** "+100 % [+85, +117]"; null when not compared. */
  change: string | null;
  verdict: Verdict | null;
  /** "⚠ regressed", "inconclusive: 1 run per side, 3 needed"; null when not compared. */
  phrase: string | null;
  /** compareSamples' reason, with the adjusted p-value (for tooltips). */
  reason: string | null;
  /** One line: "2.13 ms → 4.27 ms (+100 % [+85, +117]): ⚠ regressed". */
  text: string;
}

export interface ComparisonRow {
  scenario: string;
  step: string;
  strategy: string;
  status: PairStatus;
  /** Valid runs, A vs B ("5 vs 5"); "" for one-sided rows. */
  runs: string;
  cells: ComparedCell[];
}

/** Per-run values of a figure over the group's valid runs, summary units; null when none. */
export function figureValues(group: RunGroup, id: MetricId): number[] | null {
  const figure = METRICS[id].figure;
  if (figure === null || group.valid.length === 0) return null;
  const values = group.summary.figures[figure]?.values ?? null;
  return values === null || values.length === 0 ? null : values;
}

/** The mean of a figure in raw units, formatted; n/a when there is none. */
function meanText(group: RunGroup, id: MetricId): string {
  const figure = METRICS[id].figure;
  const interval = figure === null ? null : group.summary.figures[figure];
  return formatValue(
    interval === null || interval === undefined || group.valid.length === 0
      ? null
      : interval.mean * METRICS[id].figureToRaw,
    METRICS[id].unit,
  );
}

/** A cell once its verdict is known. */
export function comparedCell(
  values: string,
  comparison: SampleComparison | null,
  change: (c: SampleComparison) => string,
): ComparedCell {
  if (comparison === null) {
    return { values, change: null, verdict: null, phrase: null, reason: null, text: values };
  }
  const shownChange = change(comparison);
  const phrase = verdictPhrase(comparison);
  return {
    values,
    change: shownChange,
    verdict: comparison.verdict,
    phrase,
    reason: comparison.reason,
    text: `${values} (${shownChange}): ${phrase}`,
  };
}

/** A sunny-day row before the family's verdicts are known. */
interface PendingRow {
  row: Omit<ComparisonRow, "cells">;
  cells: { id: MetricId; values: string; test: SampleTest | null }[];
}

function sortedGroups(results: BenchResults): RunGroup[] {
  const order = (group: RunGroup) => {
    const index = results.method.scenarios.indexOf(group.scenario);
    return index === -1 ? Number.MAX_SAFE_INTEGER : index;
  };
  return [...groupRepetitions(results, sunnyDayRuns(results))]
    .sort(compareRuns)
    .sort((x, y) => order(x) - order(y));
}

/**
 * Pairs the sunny-day groups of A and B by scenario, step label and strategy; A's order first,
 * then B-only groups. Fault runs are left out (see buildFaultComparisonRows).
 */
function pendingRows(a: BenchResults, b: BenchResults): PendingRow[] {
  const groupsA = sortedGroups(a);
  const groupsB = groupRepetitions(b, sunnyDayRuns(b));
  const inB = new Map(groupsB.map((group) => [group.key, group]));
  const inA = new Set(groupsA.map((group) => group.key));
  const empty = COMPARED.map((id) => ({ id, values: NOT_AVAILABLE, test: null }));
  const base = (group: RunGroup) => ({
    scenario: group.scenario,
    step: stepLabel(group),
    strategy: group.strategy,
  });
  const rows: PendingRow[] = [];
  for (const groupA of groupsA) {
    const groupB = inB.get(groupA.key);
    if (groupB === undefined) {
      rows.push({ row: { ...base(groupA), status: "only in A", runs: "" }, cells: empty });
      continue;
    }
    const status = pairStatus(
      { valid: groupA.valid.length > 0 },
      { valid: groupB.valid.length > 0 },
    );
    const runs = `${groupA.valid.length} vs ${groupB.valid.length}`;
    rows.push({
      row: { ...base(groupA), status, runs },
      cells: COMPARED.map((id) => {
        const values = `${meanText(groupA, id)} → ${meanText(groupB, id)}`;
        const before = figureValues(groupA, id);
        const after = figureValues(groupB, id);
        const test = status === "compared" && before && after ? { before, after } : null;
        return { id, values, test };
      }),
    });
  }
  for (const groupB of groupsB) {
    if (inA.has(groupB.key)) continue;
    rows.push({ row: { ...base(groupB), status: "only in B", runs: "" }, cells: empty });
  }
  return rows;
}

/** Columns of the sunny-day comparison table. */
export const COMPARISON_HEADERS: readonly string[] = [
  "scenario",
  "step",
  "strategy",
  "status",
  "valid runs A vs B",
  ...COMPARED.map((id) => METRICS[id].label),
];

function sameMachine(a: BenchResults, b: BenchResults): boolean {
  const keys = ["cpuModel", "cpuCount", "os", "nodeVersion", "redisVersion"] as const;
  return keys.every((k) => a.environment[k] === b.environment[k]);
}

/** Names of the two runs in the output (e.g. their directories). */
export interface ComparisonLabels {
  a: string;
  b: string;
}

/** Everything a comparison page says, format-neutral. */
export interface Comparison {
  /** One line per run: which it is, when it ran, on what. */
  intro: string[];
  /** Set when A and B ran on different machines or software versions. */
  machineNote: string | null;
  /** "1 change(s) beyond noise (1 regressed, 0 improved); 200 within noise; 0 inconclusive ..." */
  verdict: string;
  /** How many comparisons Holm adjusted over. */
  family: number;
  rows: ComparisonRow[];
  faultRows: FaultComparisonRow[];
}

/** The line on top: how many changes, of which kind, across how much. */
function verdictLine(
  verdicts: readonly (Verdict | null)[],
  groups: number,
  family: number,
): string {
  const n = countVerdicts(verdicts);
  const changed = n.improved + n.regressed;
  return `${changed} change(s) beyond noise (${n.regressed} regressed, ${n.improved} improved); ${n["within-noise"]} within noise; ${n.inconclusive} inconclusive; across ${groups} compared groups, ${family} tested comparisons Holm-adjusted together.`;
}

/** Compares run A (baseline) with run B. */
export function buildComparison(
  a: BenchResults,
  b: BenchResults,
  labels: ComparisonLabels = { a: "A", b: "B" },
): Comparison {
  const pending = pendingRows(a, b);
  const faults = buildFaultComparisonRows(a, b);
  // one family: every sunny-day figure x group, then every fault time to recover
  const sunnyTests = pending.flatMap((p) => p.cells.flatMap((c) => (c.test ? [c.test] : [])));
  const decided = decideFamily([...sunnyTests, ...faults.tests]);
  let next = 0;
  const rows: ComparisonRow[] = pending.map(({ row, cells }) => ({
    ...row,
    cells: cells.map(({ id, values, test }) => {
      const comparison = test === null ? null : (decided[next++] ?? null);
      return comparedCell(values, comparison, (c) =>
        changeText(c, METRICS[id].unit, METRICS[id].figureToRaw),
      );
    }),
  }));
  const faultRows = finishFaultComparison(faults, decided.slice(sunnyTests.length));
  const verdicts = [
    ...rows.flatMap((r) => r.cells.map((c) => c.verdict)),
    ...faultRows.map((r) => r.cells[0]?.verdict ?? null),
  ];
  const tested = decided.filter((c) => c.verdict !== "inconclusive").length;
  return {
    intro: [
      `A (baseline): ${labels.a}, run of ${a.createdAt}; ${describeEnvironment(a)}`,
      `B: ${labels.b}, run of ${b.createdAt}; ${describeEnvironment(b)}`,
    ],
    machineNote: sameMachine(a, b)
      ? null
      : "A and B ran on different machines or software versions: differences measure the environment as much as the code.",
    verdict: verdictLine(verdicts, rows.filter((r) => r.status === "compared").length, tested),
    family: tested,
    rows,
    faultRows,
  };
}
