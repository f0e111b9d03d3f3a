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

/**
 * What the mean can be: any real number, or (a latency, a count, bytes, CPU, memory, a time to
 * recover) only zero or more.
 */
export type FigureDomain = "real" | "non-negative";

/**
 * Student-t interval of the mean; throws on an empty list or a non-finite value.
 *
 * For a non-negative figure the interval is cut at 0: the t interval is symmetric, and three
 * widely spread runs put its lower end below zero (seen: a `burst` p99 of "695 ms [−581,
 * 1,970]"), a value the figure cannot take. Cutting an interval to the values the parameter
 * can take keeps every true value it covered, so its coverage stays at least the nominal 95 %;
 * a lower bound of 0 then reads "these runs do not bound it from below".
 */
export function summarize(
  values: readonly number[],
  options: { confidence?: number; domain?: FigureDomain } = {},
): Interval {
  const { confidence = 0.95, domain = "real" } = options;
  assertNonEmptyFinite(values, "values");
  assertConfidence(confidence);
  const n = values.length;
  const center = mean(values);
  if (n < 2) return { n, mean: center, lo: null, hi: null, sd: null };
  const sd = Math.sqrt(sampleVariance(values));
  const halfWidth = studentTCritical(confidence, n - 1) * (sd / Math.sqrt(n));
  const lo = center - halfWidth;
  return {
    n,
    mean: center,
    lo: domain === "non-negative" ? Math.max(0, lo) : lo,
    hi: center + halfWidth,
    sd,
  };
}
