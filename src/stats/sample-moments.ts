/**
 * The few sample moments every interval here is built from, in one place so that each caller
 * rejects non-finite per-run values the same way: a NaN or Infinity that slipped out of a
 * broken run would otherwise turn every interval into NaN without saying where it came from.
 */

/** Throws a clear Error naming `label` and the index when any value is NaN or infinite. */
export function assertFiniteValues(values: readonly number[], label: string): void {
  values.forEach((value, index) => {
    if (!Number.isFinite(value)) {
      throw new Error(
        `stats: ${label}[${index}] is ${String(value)}; per-run values must be finite numbers`,
      );
    }
  });
}

/** Throws unless `values` holds at least one finite number. */
export function assertNonEmptyFinite(values: readonly number[], label: string): void {
  if (values.length === 0) {
    throw new Error(`stats: ${label} is empty; at least one per-run value is needed`);
  }
  assertFiniteValues(values, label);
}

/** Arithmetic mean (NaN for an empty list; callers check first). */
export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Unbiased sample variance (divisor n - 1), two-pass for accuracy; NaN when n < 2. */
export function sampleVariance(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const center = mean(values);
  let sumSquares = 0;
  for (const value of values) sumSquares += (value - center) ** 2;
  return sumSquares / (values.length - 1);
}

/** Throws unless `confidence` is a probability strictly between 0 and 1. */
export function assertConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new Error(`stats: confidence must be in (0, 1), got ${String(confidence)}`);
  }
}
