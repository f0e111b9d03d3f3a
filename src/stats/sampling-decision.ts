/**
 * When to stop repeating a bench (like tachometer's auto-sample): after each round of runs,
 * stop once every comparison's interval has settled on one side of a horizon, or when the time
 * budget or the run cap is reached. Running a fixed large N wastes machine time on comparisons
 * that were clear after three runs; a fixed small N leaves close ones unresolved.
 */
import { type RelativeDiff, relativeBandOnScale } from "./relative-difference.ts";

export interface SamplingInput {
  /** The current interval of every comparison that matters (e.g. each metric's after vs before). */
  comparisons: readonly RelativeDiff[];
  /** Relative horizon (0.05 = ±5 %); 0 asks only "is the interval clear of zero?". */
  horizon: number;
  elapsedMs: number;
  budgetMs: number;
  /** Runs done per side so far. */
  runsDone: number;
  /** Runs always done first: neither resolution nor the time budget stops before these. */
  minRuns: number;
  /** Hard cap on runs per side. */
  maxRuns: number;
}

export type SamplingReason = "resolved" | "time-budget" | "max-runs" | "continue";

export interface SamplingDecision {
  stop: boolean;
  reason: SamplingReason;
  /** How many comparisons are not yet resolved. */
  unresolved: number;
}

/**
 * A comparison is resolved when its interval lies entirely above +horizon, entirely below
 * -horizon, or entirely inside [-horizon, +horizon]; with horizon 0 that means clear of zero (or
 * the degenerate [0, 0]). Horizons are relative: for absolute-scale diffs they are scaled by
 * |meanB|. An interval that does not exist yet (n < 2) is unresolved.
 */
export function isResolved(diff: RelativeDiff, horizon: number): boolean {
  if (diff.lo === null || diff.hi === null) return false;
  const edge = relativeBandOnScale(diff, horizon);
  return diff.lo > edge || diff.hi < -edge || (diff.lo >= -edge && diff.hi <= edge);
}

/**
 * Order of the rules: resolved (once runsDone >= minRuns), then max-runs (runsDone >= maxRuns),
 * then time-budget (elapsedMs >= budgetMs, once runsDone >= minRuns), else continue.
 */
export function samplingDecision(input: SamplingInput): SamplingDecision {
  validateSamplingInput(input);
  const unresolved = input.comparisons.filter((diff) => !isResolved(diff, input.horizon)).length;
  const floorReached = input.runsDone >= input.minRuns;
  if (floorReached && unresolved === 0) return { stop: true, reason: "resolved", unresolved };
  if (input.runsDone >= input.maxRuns) return { stop: true, reason: "max-runs", unresolved };
  if (floorReached && input.elapsedMs >= input.budgetMs) {
    return { stop: true, reason: "time-budget", unresolved };
  }
  return { stop: false, reason: "continue", unresolved };
}

function validateSamplingInput(input: SamplingInput): void {
  const { horizon, minRuns, maxRuns, elapsedMs, budgetMs, runsDone } = input;
  if (!(horizon >= 0 && Number.isFinite(horizon))) {
    throw new Error(`stats: horizon must be finite and >= 0, got ${horizon}`);
  }
  if (!Number.isInteger(minRuns) || minRuns < 1 || !Number.isInteger(maxRuns)) {
    throw new Error(`stats: minRuns and maxRuns must be integers, minRuns >= 1`);
  }
  if (maxRuns < minRuns) {
    throw new Error(`stats: maxRuns (${maxRuns}) must be >= minRuns (${minRuns})`);
  }
  if (!(elapsedMs >= 0) || Number.isNaN(budgetMs) || !(runsDone >= 0)) {
    throw new Error("stats: elapsedMs and runsDone must be >= 0 and budgetMs a number");
  }
}
