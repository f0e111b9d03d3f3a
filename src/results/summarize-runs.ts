/**
 * Folds repetitions into summaries: one RunSummary per scenario step x strategy, in the order
 * the groups first appear. Only valid runs count (an invalid run's numbers are not to be
 * trusted, so they must not move an interval either). Each headline figure is the mean of the
 * per-run values with a Student-t 95 % interval (src/stats); latency percentiles are also
 * pooled from the merged histograms, for CDFs and for readers who want "all receipts" numbers.
 */
import type { RunResult } from "../model/results.ts";
import {
  type FigureInterval,
  HEADLINE_FIGURES,
  type HeadlineFigure,
  type RunSummary,
} from "../model/summaries.ts";
import { summarize } from "../stats/index.ts";
import { mergeHistograms } from "./latency-histogram.ts";

/** Reads one headline figure off one run; null when the run cannot have it. */
export function figureOf(run: RunResult, figure: HeadlineFigure): number | null {
  switch (figure) {
    case "latencyP50Ms":
      return run.latency.p50Us === null ? null : run.latency.p50Us / 1000;
    case "latencyP99Ms":
      return run.latency.p99Us === null ? null : run.latency.p99Us / 1000;
    case "requestsPerDelivered":
      return run.perDelivered.requests;
    case "bytesPerDelivered":
      return run.perDelivered.bytes;
    case "serverCpuMsPer1000Deliveries":
      return run.server?.cpuMsPer1000Deliveries ?? null;
    case "serverRssPerConnectionBytes":
      return run.server?.rssPerConnectionBytes ?? null;
    case "timeToRecoverMs":
      return run.fault?.timeToRecoverMs ?? null;
    case "radioEnergyPerUserHourJ":
      return run.energy?.energyPerUserHourJ ?? null;
  }
}

/** The key that makes runs repetitions of one another. */
export function groupKey(run: Pick<RunResult, "scenario" | "step" | "strategy">): string {
  return `${run.scenario}\u0000${run.step?.label ?? ""}\u0000${run.strategy}`;
}

/** The interval of one figure over runs; null when no run had it. */
export function figureInterval(
  runs: readonly RunResult[],
  figure: HeadlineFigure,
): FigureInterval | null {
  const values = runs
    .map((run) => figureOf(run, figure))
    .filter((v): v is number => v !== null && Number.isFinite(v));
  if (values.length === 0) return null;
  // every headline figure is a latency, a count, bytes, CPU, memory, energy or a time
  const interval = summarize(values, { domain: "non-negative" });
  return { n: interval.n, mean: interval.mean, lo: interval.lo, hi: interval.hi, values };
}

export function summarizeRuns(runs: readonly RunResult[]): RunSummary[] {
  const groups = new Map<string, RunResult[]>();
  for (const run of runs) {
    const key = groupKey(run);
    const group = groups.get(key);
    if (group) group.push(run);
    else groups.set(key, [run]);
  }
  return [...groups.values()].map((group) => summarizeGroup(group));
}

function summarizeGroup(group: readonly RunResult[]): RunSummary {
  const first = group[0] as RunResult;
  const valid = group.filter((run) => run.valid);
  const figures = Object.fromEntries(
    HEADLINE_FIGURES.map((figure) => [figure, figureInterval(valid, figure)]),
  ) as Record<HeadlineFigure, FigureInterval | null>;
  const histograms = valid
    .map((run) => run.latency.histogram)
    .filter((h): h is string => h !== null);
  return {
    scenario: first.scenario,
    step: first.step,
    strategy: first.strategy,
    runs: group.length,
    validRuns: valid.length,
    figures,
    pooledLatency: mergeHistograms(histograms),
  };
}
