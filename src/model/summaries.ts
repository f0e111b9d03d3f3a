/**
 * Repetitions and their summaries (results schema 3). Every scenario step x strategy runs
 * `repeat` times; a RunSummary folds the valid repetitions of one such group into the headline
 * figures with 95 % confidence intervals, plus latency percentiles pooled from the merged HDR
 * histograms. See docs/methodology.md, "Repetitions and intervals", for what an interval means.
 */
import type { LatencyStats } from "./latency-stats.ts";
import type { StrategyId } from "./strategies.ts";

/** The figures a reader compares strategies and runs by; each one gets an interval. */
export const HEADLINE_FIGURES = [
  "latencyP50Ms",
  "latencyP99Ms",
  "requestsPerDelivered",
  "bytesPerDelivered",
  "serverCpuMsPer1000Deliveries",
  "serverRssPerConnectionBytes",
  "timeToRecoverMs",
  // results schema 4: the estimated radio energy of the clients' traffic (RunResult.energy)
  "radioEnergyPerUserHourJ",
] as const;
export type HeadlineFigure = (typeof HEADLINE_FIGURES)[number];

/**
 * One figure over the valid repetitions of a group: the mean of the per-run values with a
 * Student-t 95 % interval from their spread (the run, not the sample inside it, is the unit of
 * replication). `lo`/`hi` are null for a single run: one run has no spread to measure.
 */
export interface FigureInterval {
  /** Valid repetitions that had this figure (a run with nothing delivered has no p50). */
  n: number;
  mean: number;
  lo: number | null;
  hi: number | null;
  /** The per-run values, in repetition order, so any reader can recompute or re-test. */
  values: number[];
}

export interface RunSummary {
  scenario: string;
  step: { parameter: string; label: string; value: number } | null;
  strategy: StrategyId;
  /** Repetitions planned and finished for this group (valid or not). */
  runs: number;
  /** Repetitions whose numbers can be trusted: the figures below come from these only. */
  validRuns: number;
  /** null: no valid run had the figure (e.g. no fault in this scenario, nothing delivered). */
  figures: Record<HeadlineFigure, FigureInterval | null>;
  /** Latency of all valid repetitions' windows merged (HDR histograms added); null when none. */
  pooledLatency: LatencyStats | null;
}
