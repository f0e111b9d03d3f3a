/**
 * The verdict table: one row per scenario x strategy (x step), the headline numbers, and a
 * "vs best" column that says how far each strategy is from the best one on the same workload.
 * Shared by the HTML report and summary.md so both always show the same numbers.
 */
import type { BenchResults, RunResult } from "../model/results.ts";
import type { StrategyId } from "../model/strategies.ts";
import { formatNumber, NOT_AVAILABLE } from "./format.ts";
import { METRICS, type MetricId } from "./metrics.ts";
import { faultRuns, groupByScenario, stepKey } from "./run-groups.ts";

/** Metric columns of the verdict table, in order. */
export const VERDICT_METRICS: readonly MetricId[] = [
  "p50Latency",
  "p99Latency",
  "requestsPerDelivered",
  "bytesPerDelivered",
  "cpuMsPer1000Deliveries",
  "rssPerConnection",
];

/**
 * What "vs best" compares: tail latency (what users feel) and wire bytes per delivered
 * notification (what the strategy costs). Both are lower-is-better.
 */
export const VS_BEST_METRICS: readonly { id: MetricId; short: string }[] = [
  { id: "p99Latency", short: "p99" },
  { id: "bytesPerDelivered", short: "bytes" },
];

/** One-sentence legend for the "vs best" column, printed under the table. */
export const VS_BEST_LEGEND =
  '"vs best": this row\'s p99 latency and bytes per delivered notification as a multiple of the best valid strategy on the same scenario (and step); "best" marks the best. Invalid runs are never best.';

export interface VerdictRow {
  run: RunResult;
  scenario: string;
  step: string;
  strategy: StrategyId;
  valid: boolean;
  /** Formatted values of VERDICT_METRICS, "n/a" when not measurable. */
  cells: string[];
  /** "lost / duplicates", e.g. "0 / 0". */
  lostDuplicates: string;
  vsBest: string;
}

/** Formats value/best as "best", "×1.8" or "n/a". */
function describeVsBest(value: number | null, best: number | null): string | null {
  if (value === null || best === null) return null;
  if (value <= best) return "best";
  if (best <= 0) return null; // a multiple of zero means nothing
  return `×${formatNumber(value / best)}`;
}

function computeVsBest(run: RunResult, peers: RunResult[]): string {
  if (!run.valid) return "invalid run";
  const validPeers = peers.filter((p) => p.valid);
  if (validPeers.length < 2) return "—";
  const parts: string[] = [];
  for (const { id, short } of VS_BEST_METRICS) {
    const metric = METRICS[id];
    const values = validPeers.map(metric.rawValue).filter((v): v is number => v !== null);
    const best = values.length > 0 ? Math.min(...values) : null;
    const text = describeVsBest(metric.rawValue(run), best);
    if (text !== null) parts.push(`${short} ${text}`);
  }
  return parts.length > 0 ? parts.join(" · ") : NOT_AVAILABLE;
}

/** Builds the verdict rows in report order (scenario, step, strategy). */
export function buildVerdictRows(results: BenchResults): VerdictRow[] {
  const rows: VerdictRow[] = [];
  for (const group of groupByScenario(results)) {
    for (const run of group.runs) {
      const peers = group.runs.filter((r) => stepKey(r) === stepKey(run));
      rows.push({
        run,
        scenario: run.scenario,
        step: run.step?.label ?? "",
        strategy: run.strategy,
        valid: run.valid,
        cells: VERDICT_METRICS.map((id) => METRICS[id].format(run)),
        lostDuplicates: `${run.delivery.lost} / ${run.delivery.duplicates}`,
        vsBest: computeVsBest(run, peers),
      });
    }
  }
  return rows;
}

/** What the verdict says when it has no row: nothing ran, or only fault (and capacity) runs did. */
export function noVerdictRows(results: BenchResults): string {
  if (faultRuns(results).length > 0) {
    return "No sunny-day run in this results file: the fault runs have their own section below.";
  }
  return "This results file has no runs.";
}

/** Column headers of the verdict table (scenario, step, strategy, metrics, lost/dup, vs best). */
export function verdictHeaders(): string[] {
  return [
    "scenario",
    "step",
    "strategy",
    ...VERDICT_METRICS.map((id) => METRICS[id].label),
    "lost / dup",
    "vs best",
  ];
}
