/**
 * The fault part of a comparison: the same fault kind x strategy in run A and run B, side by side
 * on time to recover, lost, duplicates, resets and extra requests, with the plain difference.
 * Nothing is flagged: no run-to-run noise has been measured for these numbers, so a threshold
 * would be a guess (the footnote says so).
 */

import { FAULT_KINDS } from "../model/fault-kinds.ts";
import type { BenchResults, FaultResult } from "../model/results.ts";
import { STRATEGIES } from "../model/strategies.ts";
import { faultRunLabel } from "./fault-runs.ts";
import { formatSignedCount } from "./fault-table.ts";
import { formatDurationMs, NOT_AVAILABLE } from "./format.ts";
import { type FaultRun, faultRuns, type PairStatus, runKey } from "./run-groups.ts";

interface FaultMetric {
  label: string;
  read: (fault: FaultResult) => number | null;
  format: (value: number | null) => string;
  formatDelta: (delta: number) => string;
}

/** A count; `signed` ones (extra requests, "−180") can be negative, so they always carry a sign. */
function countMetric(
  label: string,
  read: (fault: FaultResult) => number,
  signed = false,
): FaultMetric {
  return {
    label,
    read,
    format: (value) =>
      value === null
        ? NOT_AVAILABLE
        : signed
          ? formatSignedCount(value)
          : value.toLocaleString("en-US"),
    formatDelta: (delta) => (delta === 0 ? "±0" : formatSignedCount(delta)),
  };
}

/** The compared numbers, in column order. */
export const FAULT_COMPARED: readonly FaultMetric[] = [
  {
    label: "time to recover",
    read: (fault) => fault.timeToRecoverMs,
    format: (ms) => (ms === null ? "not recovered" : formatDurationMs(ms)),
    formatDelta: (ms) =>
      ms === 0 ? "±0" : `${ms > 0 ? "+" : "−"}${formatDurationMs(Math.abs(ms))}`,
  },
  countMetric("lost", (fault) => fault.lost),
  countMetric("duplicates", (fault) => fault.duplicates),
  countMetric("resets", (fault) => fault.resets),
  countMetric("extra requests", (fault) => fault.extraRequests, true),
];

export const FAULT_COMPARISON_HEADERS: readonly string[] = [
  "fault",
  "strategy",
  "status",
  ...FAULT_COMPARED.map((m) => m.label),
];

export const FAULT_COMPARISON_FOOTNOTE =
  "Fault runs: differences are plain B − A. No run-to-run noise threshold has been measured for recovery times and fault counts, so no change is flagged; run each side more than once before reading anything into a difference.";

export interface FaultComparedCell {
  text: string;
  /** B − A; null when either side has no value (for example it did not recover). */
  delta: number | null;
}

export interface FaultComparisonRow {
  kind: string;
  /** The run's label within its fault ("sse", or with its step or scenario). */
  strategy: string;
  status: PairStatus;
  cells: FaultComparedCell[];
}

function compareCells(a: FaultRun, b: FaultRun): FaultComparedCell[] {
  return FAULT_COMPARED.map((metric) => {
    const va = metric.read(a.fault);
    const vb = metric.read(b.fault);
    const delta = va === null || vb === null ? null : vb - va;
    const text = `${metric.format(va)} → ${metric.format(vb)}`;
    return { text: delta === null ? text : `${text} (${metric.formatDelta(delta)})`, delta };
  });
}

function statusOf(a: FaultRun, b: FaultRun): FaultComparisonRow["status"] {
  if (!a.valid && !b.valid) return "invalid in both";
  if (!a.valid) return "invalid in A";
  if (!b.valid) return "invalid in B";
  return "compared";
}

/** One side only: its own values, no difference. */
function oneSideCells(run: FaultRun): FaultComparedCell[] {
  return FAULT_COMPARED.map((metric) => ({
    text: metric.format(metric.read(run.fault)),
    delta: null,
  }));
}

function order(run: FaultRun): [number, number] {
  return [FAULT_KINDS.indexOf(run.fault.kind), STRATEGIES.indexOf(run.strategy)];
}

/**
 * Pairs the fault runs of A and B by scenario, step and strategy; ordered by fault kind then
 * strategy. Empty when neither side has fault runs; a side without them yields "only in" rows.
 */
export function buildFaultComparisonRows(a: BenchResults, b: BenchResults): FaultComparisonRow[] {
  const inA = new Map(faultRuns(a).map((run) => [runKey(run), run]));
  const inB = new Map(faultRuns(b).map((run) => [runKey(run), run]));
  const rows: { sortKey: [number, number]; row: FaultComparisonRow }[] = [];
  for (const [key, runA] of inA) {
    const runB = inB.get(key);
    const base = { kind: runA.fault.kind, strategy: faultRunLabel(runA) };
    rows.push({
      sortKey: order(runA),
      row:
        runB === undefined
          ? { ...base, status: "only in A", cells: oneSideCells(runA) }
          : { ...base, status: statusOf(runA, runB), cells: compareCells(runA, runB) },
    });
  }
  for (const [key, runB] of inB) {
    if (inA.has(key)) continue;
    rows.push({
      sortKey: order(runB),
      row: {
        kind: runB.fault.kind,
        strategy: faultRunLabel(runB),
        status: "only in B",
        cells: oneSideCells(runB),
      },
    });
  }
  // stable: within one kind and strategy, A's order then B-only runs
  return rows
    .sort((x, y) => x.sortKey[0] - y.sortKey[0] || x.sortKey[1] - y.sortKey[1])
    .map(({ row }) => row);
}
