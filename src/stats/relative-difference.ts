/**
 * "a vs b" for per-run benchmark figures as a relative change with an interval. Latencies and
 * costs combine multiplicatively, so the comparison is done on the log scale: the estimate is
 * the ratio of geometric means minus 1, and the Welch interval of the mean log difference is
 * exponentiated, which keeps it inside (-100 %, +inf). A sample holding a value <= 0 has no
 * logarithm, so then the plain difference of means (metric units) is used and `scale` says so.
 */
import { assertConfidence, assertNonEmptyFinite, mean } from "./sample-moments.ts";
import { pooledStandardDeviation, welchInterval } from "./welch.ts";

export interface RelativeDiff {
  /**
   * "log": estimate/lo/hi are ratios minus 1 (-0.06 = -6 %). "absolute": they are differences of
   * arithmetic means in the metric's own units (a value <= 0 ruled out logarithms).
   */
  scale: "log" | "absolute";
  estimate: number;
  /** Interval bounds on the same scale as `estimate`; null when either side has n < 2. */
  lo: number | null;
  hi: number | null;
  /** Two-sided Welch p-value (on logs for "log"); null when either side has n < 2. */
  pValue: number | null;
  /** Welch–Satterthwaite degrees of freedom; null when either side has n < 2. */
  df: number | null;
  nA: number;
  nB: number;
  /** Arithmetic means of the raw values, metric units (for reports and absolute-scale bands). */
  meanA: number;
  meanB: number;
  /**
   * Pooled run-to-run standard deviation on the working scale (natural-log units for "log",
   * metric units for "absolute"); null when either side has n < 2. Used to plan run counts.
   */
  pooledSdOnScale: number | null;
  /** Confidence level of lo/hi. */
  confidence: number;
}

/** Relative difference a vs b with a Welch interval; throws on empty or non-finite input. */
export function relativeDifference(
  a: readonly number[],
  b: readonly number[],
  confidence = 0.95,
): RelativeDiff {
  assertNonEmptyFinite(a, "a");
  assertNonEmptyFinite(b, "b");
  assertConfidence(confidence);
  const scale = a.every((x) => x > 0) && b.every((x) => x > 0) ? "log" : "absolute";
  const workingA = scale === "log" ? a.map(Math.log) : a;
  const workingB = scale === "log" ? b.map(Math.log) : b;
  const fromWorking = scale === "log" ? Math.expm1 : (x: number) => x;
  const base = {
    scale,
    nA: a.length,
    nB: b.length,
    meanA: mean(a),
    meanB: mean(b),
    confidence,
  } as const;
  if (a.length < 2 || b.length < 2) {
    const estimate = fromWorking(mean(workingA) - mean(workingB));
    return { ...base, estimate, lo: null, hi: null, pValue: null, df: null, pooledSdOnScale: null };
  }
  const welch = welchInterval(workingA, workingB, confidence);
  return {
    ...base,
    estimate: fromWorking(welch.meanDifference),
    lo: fromWorking(welch.lo),
    hi: fromWorking(welch.hi),
    pValue: welch.pValue,
    df: welch.df,
    pooledSdOnScale: pooledStandardDeviation(workingA, workingB),
  };
}

/**
 * A relative band (0.05 = ±5 %) expressed on the diff's scale: itself for "log" diffs (whose
 * bounds are already ratios minus 1), `ratio * |meanB|` in metric units for "absolute" ones.
 */
export function relativeBandOnScale(diff: RelativeDiff, ratio: number): number {
  return diff.scale === "log" ? ratio : ratio * Math.abs(diff.meanB);
}

/** "-6.0 % [-12.0 %, +1.0 %]" for log diffs, "-3.2 [-5.1, +1.0] (absolute)" otherwise. */
export function formatRelativeDiff(diff: RelativeDiff, digits = 1): string {
  const format = (x: number): string => {
    const shown = diff.scale === "log" ? `${(x * 100).toFixed(digits)} %` : x.toPrecision(3);
    return x > 0 ? `+${shown}` : shown;
  };
  const interval =
    diff.lo === null || diff.hi === null ? "[n < 2]" : `[${format(diff.lo)}, ${format(diff.hi)}]`;
  const suffix = diff.scale === "absolute" ? " (absolute)" : "";
  return `${format(diff.estimate)} ${interval}${suffix}`;
}
