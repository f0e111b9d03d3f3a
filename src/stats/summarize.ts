/**
 * A Student-t confidence interval of the mean of per-run values: each bench repetition gives
 * one figure per metric, repetitions are few (3..10), so a normal (z) interval would be far too
 * narrow and the t interval is the standard small-sample answer.
 */
import { assertConfidence, assertNonEmptyFinite, mean, sampleVariance } from "./sample-moments.ts";
import { studentTCritical } from "./student-t.ts";

/** Mean of per-run values with its two-sided interval, in the values' own units. */
export interface Interval {
  /** Number of per-run values. */
  n: number;
  mean: number;
  /** Interval bounds; null when n < 2 (no spread can be estimated from one run). */
  lo: number | null;
  hi: number | null;
  /** Sample standard deviation (divisor n - 1); null when n < 2. */
  sd: number | null;
}

/** Student-t interval of the mean; throws on an empty list or a non-finite value. */
export function summarize(values: readonly number[], confidence = 0.95): Interval {
  assertNonEmptyFinite(values, "values");
  assertConfidence(confidence);
  const n = values.length;
  const center = mean(values);
  if (n < 2) return { n, mean: center, lo: null, hi: null, sd: null };
  const sd = Math.sqrt(sampleVariance(values));
  const halfWidth = studentTCritical(confidence, n - 1) * (sd / Math.sqrt(n));
  return { n, mean: center, lo: center - halfWidth, hi: center + halfWidth, sd };
}
