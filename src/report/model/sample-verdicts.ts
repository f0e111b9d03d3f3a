/**
 * Verdicts of a comparison of two results files, as one family: every figure x matched group
 * is compared on its per-run values with src/stats' compareSamples (after vs before, Welch on
 * the log scale), the p-values are Holm-adjusted across the whole family, and each verdict is
 * decided again with its adjusted p-value: improved / regressed only when the adjusted p < 0.05
 * and the interval is clear of zero; within noise otherwise; inconclusive with fewer than 3
 * valid runs on a side. Plus the words the comparison pages print for them.
 */
import {
  compareSamples,
  holmAdjust,
  type SampleComparison,
  type Verdict,
} from "../../stats/index.ts";
import { formatAbsoluteChange, formatRelativeChange, type ValueUnit } from "./format.ts";

/** Runs per side below which a verdict is inconclusive (compareSamples' default, said once). */
export const MIN_RUNS_PER_SIDE = 3;

/** One comparison to make: per-run values, before (run A) and after (run B), same units. */
export interface SampleTest {
  before: readonly number[];
  after: readonly number[];
}

/** compareSamples over the family, Holm-adjusted across all of it; same order as `tests`. */
export function decideFamily(tests: readonly SampleTest[]): SampleComparison[] {
  const unadjusted = tests.map((t) =>
    compareSamples(t.before, t.after, { minRuns: MIN_RUNS_PER_SIDE }),
  );
  // only tests with enough runs carry a p-value into the family
  const pValues = unadjusted.map((c) => (c.verdict === "inconclusive" ? null : c.diff.pValue));
  const adjusted = holmAdjust(pValues);
  return tests.map((t, i) =>
    unadjusted[i]?.verdict === "inconclusive"
      ? (unadjusted[i] as SampleComparison)
      : compareSamples(t.before, t.after, {
          minRuns: MIN_RUNS_PER_SIDE,
          adjustedPValue: adjusted[i] ?? null,
        }),
  );
}

/** "+100 % [+85, +117]" on the log scale, "+0.40 ms [−0.20, +1.0]" for absolute diffs. */
export function changeText(comparison: SampleComparison, unit: ValueUnit, toRaw: number): string {
  const { diff } = comparison;
  if (diff.scale === "log") return formatRelativeChange(diff.estimate, diff.lo, diff.hi);
  const raw = (x: number | null) => (x === null ? null : x * toRaw);
  return formatAbsoluteChange(diff.estimate * toRaw, raw(diff.lo), raw(diff.hi), unit);
}

/** Runs per side as the verdicts speak of them: "1 run per side", "2 vs 5 runs". */
function runsPerSide(comparison: SampleComparison): string {
  const before = comparison.diff.nB;
  const after = comparison.diff.nA;
  if (before === after) return `${before} run${before === 1 ? "" : "s"} per side`;
  return `${before} vs ${after} runs`;
}

/**
 * The verdict in words: "⚠ regressed", "improved", "within noise", "within noise (±5 % needs 8
 * runs per side)", "inconclusive: 1 run per side, 3 needed".
 */
export function verdictPhrase(comparison: SampleComparison): string {
  switch (comparison.verdict) {
    case "regressed":
      return "⚠ regressed";
    case "improved":
      return "improved";
    case "within-noise":
      return comparison.runsNeeded === null
        ? "within noise"
        : `within noise (±5 % needs ${comparison.runsNeeded} runs per side)`;
    case "inconclusive":
      return `inconclusive: ${runsPerSide(comparison)}, ${comparison.runsNeeded ?? MIN_RUNS_PER_SIDE} needed`;
  }
}

/** Counts per verdict, for the line on top of a comparison. */
export function countVerdicts(verdicts: readonly (Verdict | null)[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = {
    improved: 0,
    regressed: 0,
    "within-noise": 0,
    inconclusive: 0,
  };
  for (const verdict of verdicts) if (verdict !== null) counts[verdict]++;
  return counts;
}
