/**
 * Student-t distribution functions, delegated to stdlib (see index.ts for why that package):
 * hand-written incomplete-beta numerics are easy to get subtly wrong, and Welch's test needs
 * non-integer degrees of freedom, which a lookup table cannot give.
 */
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";

function assertDegreesOfFreedom(df: number): void {
  if (!(df > 0 && Number.isFinite(df))) {
    throw new Error(`stats: degrees of freedom must be finite and > 0, got ${String(df)}`);
  }
}

/** The t value below which `probability` of the distribution with `df` degrees of freedom lies. */
export function studentTQuantile(probability: number, df: number): number {
  assertDegreesOfFreedom(df);
  if (!(probability > 0 && probability < 1)) {
    throw new Error(`stats: quantile probability must be in (0, 1), got ${String(probability)}`);
  }
  return tQuantile(probability, df);
}

/** Critical value t* of a two-sided interval: t_{1 - (1 - confidence) / 2, df}. */
export function studentTCritical(confidence: number, df: number): number {
  return studentTQuantile(1 - (1 - confidence) / 2, df);
}

/** Two-sided p-value of a t statistic: P(|T| >= |t|) = 2 * F(-|t|). Infinite t gives 0. */
export function studentTTwoSidedPValue(t: number, df: number): number {
  assertDegreesOfFreedom(df);
  if (Number.isNaN(t)) throw new Error("stats: t statistic is NaN");
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}
