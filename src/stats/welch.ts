/**
 * Welch's unequal-variance t test and interval for a difference of two means. Two strategies
 * (or two bench runs) rarely have equal run-to-run spread, and Welch stays honest when they do
 * not, at the price of non-integer Welch–Satterthwaite degrees of freedom.
 */
import { assertConfidence, assertFiniteValues, mean, sampleVariance } from "./sample-moments.ts";
import { studentTCritical, studentTTwoSidedPValue } from "./student-t.ts";

/** Two-sided Welch test of mean(a) = mean(b). */
export interface WelchTest {
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  pValue: number;
}

/** Welch test plus the interval of mean(a) - mean(b), in the inputs' units. */
export interface WelchInterval extends WelchTest {
  meanDifference: number;
  standardError: number;
  lo: number;
  hi: number;
}

/**
 * Welch t, df and two-sided p for a vs b; both need at least 2 values. When both samples have
 * zero variance the standard error is 0: equal means then give t 0 and p 1, unequal means
 * t ±Infinity and p 0, and df falls back to nA + nB - 2 (the limit is undefined; any df works).
 */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchTest {
  const { t, df, pValue } = welchInterval(a, b);
  return { t, df, pValue };
}

/** Welch test and its `confidence` interval of mean(a) - mean(b). */
export function welchInterval(
  a: readonly number[],
  b: readonly number[],
  confidence = 0.95,
): WelchInterval {
  assertFiniteValues(a, "a");
  assertFiniteValues(b, "b");
  assertConfidence(confidence);
  if (a.length < 2 || b.length < 2) {
    throw new Error(
      `stats: Welch's test needs at least 2 values per side, got ${a.length} and ${b.length}`,
    );
  }
  const meanDifference = mean(a) - mean(b);
  const varianceOfMeanA = sampleVariance(a) / a.length;
  const varianceOfMeanB = sampleVariance(b) / b.length;
  const standardError = Math.sqrt(varianceOfMeanA + varianceOfMeanB);
  if (standardError === 0) {
    const df = a.length + b.length - 2;
    const t = meanDifference === 0 ? 0 : Math.sign(meanDifference) * Number.POSITIVE_INFINITY;
    const pValue = meanDifference === 0 ? 1 : 0;
    return { t, df, pValue, meanDifference, standardError, lo: meanDifference, hi: meanDifference };
  }
  const df =
    (varianceOfMeanA + varianceOfMeanB) ** 2 /
    (varianceOfMeanA ** 2 / (a.length - 1) + varianceOfMeanB ** 2 / (b.length - 1));
  const t = meanDifference / standardError;
  const halfWidth = studentTCritical(confidence, df) * standardError;
  return {
    t,
    df,
    pValue: studentTTwoSidedPValue(t, df),
    meanDifference,
    standardError,
    lo: meanDifference - halfWidth,
    hi: meanDifference + halfWidth,
  };
}

/**
 * Pooled standard deviation sqrt(((nA-1)varA + (nB-1)varB) / (nA + nB - 2)), used to plan how
 * many runs would narrow an interval; null when either side has fewer than 2 values.
 */
export function pooledStandardDeviation(a: readonly number[], b: readonly number[]): number | null {
  if (a.length < 2 || b.length < 2) return null;
  const pooledVariance =
    ((a.length - 1) * sampleVariance(a) + (b.length - 1) * sampleVariance(b)) /
    (a.length + b.length - 2);
  return Math.sqrt(pooledVariance);
}
