/**
 * Holm–Bonferroni adjusted p-values. A bench comparison tests several metrics at once (p50,
 * p99, requests, bytes, CPU, RSS, recovery time); at alpha 0.05 each, one of seven would look
 * "significant" by chance far too often. Holm controls the family-wise error rate, is uniformly
 * more powerful than plain Bonferroni, and needs no independence assumption.
 */

/**
 * Adjusted p-values in the input's order. Nulls (comparisons that could not be tested) pass
 * through and do not count towards m. For the k-th smallest of m p-values (k from 1) the
 * adjusted value is max over j <= k of min(1, (m - j + 1) * p_(j)).
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const present: { index: number; p: number }[] = [];
  pValues.forEach((p, index) => {
    if (p === null) return;
    if (!(p >= 0 && p <= 1)) {
      throw new Error(`stats: p-value [${index}] must be in [0, 1], got ${String(p)}`);
    }
    present.push({ index, p });
  });
  present.sort((x, y) => x.p - y.p || x.index - y.index);
  const adjusted: (number | null)[] = pValues.map(() => null);
  const m = present.length;
  let runningMax = 0;
  present.forEach(({ index, p }, rank) => {
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * p));
    adjusted[index] = runningMax;
  });
  return adjusted;
}
