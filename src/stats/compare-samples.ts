/**
 * A verdict for one metric between two bench runs (before/after a code change): did it get
 * better, worse, stay within noise, or can these runs not tell? Kept as a pure function of the
 * relative difference so that callers can Holm-adjust p-values across metrics first and pass
 * the adjusted value in, and so that every rule below can be tested on constructed inputs.
 */
import {
  formatRelativeDiff,
  type RelativeDiff,
  relativeBandOnScale,
  relativeDifference,
} from "./relative-difference.ts";
import { studentTCritical } from "./student-t.ts";

export type Verdict = "improved" | "regressed" | "within-noise" | "inconclusive";

export interface VerdictOptions {
  /** Significance level; compareSamples also uses 1 - alpha as the interval's confidence. */
  alpha?: number;
  /** Half-width of the "no practical change" band as a ratio (0.05 = ±5 %). */
  equivalenceRatio?: number;
  /** True for latencies and costs (the default); false for throughput-like metrics. */
  lowerIsBetter?: boolean;
  /** Fewer runs than this on either side is always inconclusive. */
  minRuns?: number;
  /** A p-value adjusted across metrics (e.g. holmAdjust); replaces diff.pValue when given. */
  adjustedPValue?: number | null;
  /** Upper bound of the runs-per-side estimate. */
  maxRunsNeeded?: number;
}

export interface SampleComparison {
  verdict: Verdict;
  /** after vs before: a negative estimate means the metric went down. */
  diff: RelativeDiff;
  /** Runs per side that would likely settle an inconclusive verdict; null otherwise. */
  runsNeeded: number | null;
  reason: string;
}

const DEFAULTS = {
  alpha: 0.05,
  equivalenceRatio: 0.05,
  lowerIsBetter: true,
  minRuns: 3,
  maxRunsNeeded: 50,
} as const;

/** Compares per-run values of one metric: `after` vs `before`, interval at 1 - alpha. */
export function compareSamples(
  before: readonly number[],
  after: readonly number[],
  options: VerdictOptions = {},
): SampleComparison {
  const { alpha } = resolveOptions(options);
  return decideVerdict(relativeDifference(after, before, 1 - alpha), options);
}

/**
 * The decision rules, in order (lo/hi are the diff's interval, band = ±equivalenceRatio on the
 * diff's scale, p = adjustedPValue ?? diff.pValue):
 * 1. either side has fewer than minRuns runs (or no interval) -> inconclusive, runsNeeded =
 *    minRuns (at least 2);
 * 2. p < alpha and the interval is clear of zero -> improved or regressed by the sign of the
 *    estimate and lowerIsBetter (even when the change is smaller than the band: it is real);
 * 3. otherwise -> within-noise: these runs show no change beyond their own noise. When the
 *    interval is wider than the band, the reason says so and runsNeeded estimates the runs per
 *    side whose interval half-width would shrink to the band (from the pooled sd and the t
 *    quantile, at least one more than now, at most maxRunsNeeded), so a reader knows how
 *    small a change these runs could have missed. "Inconclusive" is kept for too few runs:
 *    a verdict that said "inconclusive" for every noisy metric would never let two runs of
 *    one commit agree, which is the first thing a comparison tool must be able to say.
 */
export function decideVerdict(diff: RelativeDiff, options: VerdictOptions = {}): SampleComparison {
  const { alpha, equivalenceRatio, lowerIsBetter, minRuns, maxRunsNeeded } =
    resolveOptions(options);
  const shown = `after vs before ${formatRelativeDiff(diff)}`;
  if (diff.nA < minRuns || diff.nB < minRuns || diff.lo === null || diff.hi === null) {
    const runsNeeded = Math.max(minRuns, 2);
    const reason = `${diff.nB} before / ${diff.nA} after runs; ${runsNeeded} per side needed`;
    return { verdict: "inconclusive", diff, runsNeeded, reason };
  }
  const adjustedP = options.adjustedPValue ?? null;
  const p = adjustedP ?? diff.pValue ?? 1;
  const pShown = `${adjustedP === null ? "p" : "adjusted p"} = ${p.toPrecision(2)}`;
  const band = relativeBandOnScale(diff, equivalenceRatio);
  const bandShown = `±${(equivalenceRatio * 100).toFixed(1)} % band`;
  const clearOfZero = diff.lo > 0 || diff.hi < 0;
  const insideBand = diff.lo >= -band && diff.hi <= band;
  if (p < alpha && clearOfZero) {
    const wentDown = diff.estimate < 0;
    const verdict = wentDown === lowerIsBetter ? "improved" : "regressed";
    const small = insideBand ? `, smaller than the ${bandShown}` : "";
    const reason = `${shown}, ${pShown} < ${alpha}: interval clear of zero${small}`;
    return { verdict, diff, runsNeeded: null, reason };
  }
  if (insideBand) {
    const reason = `${shown}, ${pShown}: interval inside the ${bandShown}`;
    return { verdict: "within-noise", diff, runsNeeded: null, reason };
  }
  const runsNeeded = runsPerSideNeeded(diff, equivalenceRatio, maxRunsNeeded);
  const why = clearOfZero ? `clear of zero but ${pShown} >= ${alpha}` : `straddles zero, ${pShown}`;
  const reason =
    `${shown}: interval ${why}; wider than the ${bandShown}, ` +
    `about ${runsNeeded} runs per side would resolve it to the band`;
  return { verdict: "within-noise", diff, runsNeeded, reason };
}

/**
 * Smallest n per side with t_{df = 2n - 2} * pooledSd * sqrt(2 / n) <= the band's half-width on
 * the working scale (ln(1 + ratio) for log diffs), at least one more than the larger side has
 * now, capped at `cap` (a metric that noisy needs a quieter machine rather than more runs).
 */
export function runsPerSideNeeded(diff: RelativeDiff, ratio: number, cap: number): number {
  const atLeast = Math.min(cap, Math.max(diff.nA, diff.nB) + 1);
  const targetHalfWidth =
    diff.scale === "log" ? Math.log1p(ratio) : relativeBandOnScale(diff, ratio);
  const sd = diff.pooledSdOnScale;
  if (sd === null || !(targetHalfWidth > 0)) return cap;
  for (let n = atLeast; n < cap; n++) {
    const halfWidth = studentTCritical(diff.confidence, 2 * n - 2) * sd * Math.sqrt(2 / n);
    if (halfWidth <= targetHalfWidth) return n;
  }
  return cap;
}

/** Options with defaults filled in, validated; throws on an impossible value. */
function resolveOptions(options: VerdictOptions) {
  const given = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<VerdictOptions>;
  const resolved = { ...DEFAULTS, ...given };
  const { alpha, equivalenceRatio, minRuns, maxRunsNeeded } = resolved;
  if (!(alpha > 0 && alpha < 1)) throw new Error(`stats: alpha must be in (0, 1), got ${alpha}`);
  if (!(equivalenceRatio >= 0)) {
    throw new Error(`stats: equivalenceRatio must be >= 0, got ${equivalenceRatio}`);
  }
  if (!Number.isInteger(minRuns) || minRuns < 1) {
    throw new Error(`stats: minRuns must be a positive integer, got ${minRuns}`);
  }
  if (!Number.isInteger(maxRunsNeeded) || maxRunsNeeded < 2) {
    throw new Error(`stats: maxRunsNeeded must be an integer >= 2, got ${maxRunsNeeded}`);
  }
  return resolved;
}
