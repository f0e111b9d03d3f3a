/**
 * The fault part of a comparison: the same fault kind x strategy (x step) in run A and run B,
 * matched by groupKey, side by side on time to recover, lost, duplicates, resets and extra
 * requests. Time to recover gets the sunny-day treatment: per-run values of the recovered valid
 * runs, compareSamples, Holm-adjusted in the comparison's one family (comparison.ts decides the
 * family; this file hands it the tests and takes the verdicts back). The counts keep their plain
 * difference: no run-to-run noise is modelled for them (the footnote says so).
 */
import { FAULT_KINDS } from "../../model/fault-kinds.ts";
import type { BenchResults, FaultResult } from "../../model/results.ts";
import { STRATEGIES } from "../../model/strategies.ts";
import type { SampleComparison, Verdict } from "../../stats/index.ts";
import { faultRunLabel } from "./fault-runs.ts";
import { formatCompact, formatDurationMs, formatSignedCount, NOT_AVAILABLE } from "./format.ts";
import {
  type FaultRun,
  faultRuns,
  groupRepetitions,
  type PairStatus,
  pairStatus,
  type RunGroup,
} from "./run-groups.ts";
import { changeText, type SampleTest, verdictPhrase } from "./sample-verdicts.ts";

interface FaultMetric {
  label: string;
  read: (fault: FaultResult) => number | null;
  format: (value: number | null) => string;
  formatDelta: (delta: number) => string;
  /** How repetitions fold: counts add up, costs per run average. */
  fold: "total" | "mean";
}

/** A count; `signed` ones (extra requests, "−180") can be negative, so they always carry a sign. */
function countMetric(
  label: string,
  read: (fault: FaultResult) => number,
  fold: FaultMetric["fold"],
  signed = false,
): FaultMetric {
  return {
    label,
    read,
    fold,
    format: (value) =>
      value === null
        ? NOT_AVAILABLE
        : signed
          ? formatSignedCount(Math.round(value))
          : Number.isInteger(value)
            ? value.toLocaleString("en-US")
            : formatCompact(value),
    formatDelta: (delta) => (delta === 0 ? "±0" : formatSignedCount(Math.round(delta))),
  };
}

const formatMs = (ms: number | null) => (ms === null ? "not recovered" : formatDurationMs(ms));

/** The compared numbers, in column order; the first (time to recover) gets a verdict. */
export const FAULT_COMPARED: readonly FaultMetric[] = [
  {
    label: "time to recover",
    read: (fault) => fault.timeToRecoverMs,
    format: formatMs,
    formatDelta: (ms) =>
      ms === 0 ? "±0" : `${ms > 0 ? "+" : "−"}${formatDurationMs(Math.abs(ms))}`,
    fold: "mean",
  },
  countMetric("lost", (fault) => fault.lost, "total"),
  countMetric("duplicates", (fault) => fault.duplicates, "total"),
  countMetric("resets", (fault) => fault.resets, "total"),
  countMetric("extra requests", (fault) => fault.extraRequests, "mean", true),
];

export const FAULT_COMPARISON_HEADERS: readonly string[] = [
  "fault",
  "strategy",
  "status",
  "valid runs A vs B",
  ...FAULT_COMPARED.map((m) => m.label),
];

export const FAULT_COMPARISON_FOOTNOTE =
  "Fault runs: time to recover is compared like the sunny-day figures (per-run values of the valid runs that recovered, in the same Holm-adjusted family), so a difference is called only when the runs can back it. Lost, duplicates and resets are totals over a group's runs, extra requests the mean per run, with the plain difference B − A: no run-to-run noise is modelled for these counts, so none of them is flagged; with single runs, run each side more than once before reading anything into a difference.";

export interface FaultComparedCell {
  text: string;
  /** B − A (time to recover: of the means); null when either side has no value (for example it did not recover). */
  delta: number | null;
  /** Time to recover only: the statistical verdict; null for the counts and uncompared rows. */
  verdict: Verdict | null;
  /** compareSamples' reason (tooltip); null when no verdict. */
  reason: string | null;
}

export interface FaultComparisonRow {
  kind: string;
  /** The group's label within its fault ("sse", or with its step or scenario). */
  strategy: string;
  status: PairStatus;
  /** Valid runs, A vs B; "" for one-sided rows. */
  runs: string;
  cells: FaultComparedCell[];
}

/** The runs a fault group's numbers come from: its valid runs, or all when none is valid. */
function shown(group: RunGroup<FaultRun>): FaultRun[] {
  return group.valid.length > 0 ? group.valid : group.runs;
}

/** A metric folded over a group's runs; null when no run has it. */
function folded(group: RunGroup<FaultRun>, metric: FaultMetric): number | null {
  const values = shown(group)
    .map((run) => metric.read(run.fault))
    .filter((v): v is number => v !== null);
  if (values.length === 0) return null;
  const total = values.reduce((sum, v) => sum + v, 0);
  return metric.fold === "total" ? total : total / values.length;
}

/** Per-run times to recover of the valid runs that recovered; null when none. */
function recoveryValues(group: RunGroup<FaultRun>): number[] | null {
  if (group.valid.length === 0) return null;
  const values = group.summary.figures.timeToRecoverMs?.values ?? [];
  return values.length > 0 ? values : null;
}

/** Rows before the verdicts: each compared row's time-to-recover test, if it has one. */
export interface PendingFaultComparison {
  rows: { row: FaultComparisonRow; test: SampleTest | null }[];
  /** The tests in row order, for the comparison's family. */
  tests: SampleTest[];
}

function compareCells(a: RunGroup<FaultRun>, b: RunGroup<FaultRun>): FaultComparedCell[] {
  return FAULT_COMPARED.map((metric) => {
    const va = folded(a, metric);
    const vb = folded(b, metric);
    const delta = va === null || vb === null ? null : vb - va;
    const text = `${metric.format(va)} → ${metric.format(vb)}`;
    return {
      text: delta === null ? text : `${text} (${metric.formatDelta(delta)})`,
      delta,
      verdict: null,
      reason: null,
    };
  });
}

/** One side only: its own values, no difference. */
function oneSideCells(group: RunGroup<FaultRun>): FaultComparedCell[] {
  return FAULT_COMPARED.map((metric) => ({
    text: metric.format(folded(group, metric)),
    delta: null,
    verdict: null,
    reason: null,
  }));
}

function order(group: RunGroup<FaultRun>): [number, number] {
  const first = group.runs[0] as FaultRun;
  return [FAULT_KINDS.indexOf(first.fault.kind), STRATEGIES.indexOf(group.strategy)];
}

/**
 * Pairs the fault groups of A and B by scenario, step and strategy; ordered by fault kind then
 * strategy. Empty when neither side has fault runs; a side without them yields "only in" rows.
 */
export function buildFaultComparisonRows(a: BenchResults, b: BenchResults): PendingFaultComparison {
  const inA = new Map(groupRepetitions(a, faultRuns(a)).map((g) => [g.key, g]));
  const inB = new Map(groupRepetitions(b, faultRuns(b)).map((g) => [g.key, g]));
  const rows: { sortKey: [number, number]; row: FaultComparisonRow; test: SampleTest | null }[] =
    [];
  const label = (group: RunGroup<FaultRun>) => faultRunLabel(group.runs[0] as FaultRun);
  const kind = (group: RunGroup<FaultRun>) => (group.runs[0] as FaultRun).fault.kind;
  for (const [key, groupA] of inA) {
    const groupB = inB.get(key);
    const base = { kind: kind(groupA), strategy: label(groupA) };
    if (groupB === undefined) {
      rows.push({
        sortKey: order(groupA),
        row: { ...base, status: "only in A", runs: "", cells: oneSideCells(groupA) },
        test: null,
      });
      continue;
    }
    const status = pairStatus(
      { valid: groupA.valid.length > 0 },
      { valid: groupB.valid.length > 0 },
    );
    const before = recoveryValues(groupA);
    const after = recoveryValues(groupB);
    rows.push({
      sortKey: order(groupA),
      row: {
        ...base,
        status,
        runs: `${groupA.valid.length} vs ${groupB.valid.length}`,
        cells: compareCells(groupA, groupB),
      },
      test: status === "compared" && before && after ? { before, after } : null,
    });
  }
  for (const [key, groupB] of inB) {
    if (inA.has(key)) continue;
    rows.push({
      sortKey: order(groupB),
      row: {
        kind: kind(groupB),
        strategy: label(groupB),
        status: "only in B",
        runs: "",
        cells: oneSideCells(groupB),
      },
      test: null,
    });
  }
  // stable: within one kind and strategy, A's order then B-only groups
  const sorted = rows
    .sort((x, y) => x.sortKey[0] - y.sortKey[0] || x.sortKey[1] - y.sortKey[1])
    .map(({ row, test }) => ({ row, test }));
  return { rows: sorted, tests: sorted.flatMap((r) => (r.test ? [r.test] : [])) };
}

/** The rows with the verdicts of their tests (in `tests` order) written into time to recover. */
export function finishFaultComparison(
  pending: PendingFaultComparison,
  verdicts: readonly SampleComparison[],
): FaultComparisonRow[] {
  let next = 0;
  return pending.rows.map(({ row, test }) => {
    if (test === null) return row;
    const comparison = verdicts[next++];
    if (comparison === undefined) return row;
    const [first, ...rest] = row.cells;
    if (first === undefined) return row;
    const change = changeText(comparison, "durationMs", 1);
    const recovered: FaultComparedCell = {
      ...first,
      // "3.15 s → 4 s (+850 ms, +27 % [+20, +35]): ⚠ regressed": the plain delta kept
      text: `${first.text.replace(/\)$/, `, ${change})`)}: ${verdictPhrase(comparison)}`,
      verdict: comparison.verdict,
      reason: comparison.reason,
    };
    return { ...row, cells: [recovered, ...rest] };
  });
}
