/**
 * Statistics for per-run benchmark figures: 95 % intervals of a metric's mean over N repeated
 * runs (N = 3..10), relative "a vs b" differences with Welch intervals on the log scale,
 * Holm-adjusted p-values across metrics, a before/after verdict and a sampling stop rule.
 *
 * Distribution functions come from stdlib's `@stdlib/stats-base-dists-t-quantile` and
 * `@stdlib/stats-base-dists-t-cdf` rather than hand-written numerics: stdlib is actively
 * maintained, ships its own TypeScript declarations, is accurate to double precision against
 * standard tables, and takes non-integer degrees of freedom, which Welch's test needs. jstat
 * (the alternative considered) ships no TypeScript types and would need a hand-written
 * declaration. The cost is ~220 tiny transitive @stdlib packages, pure JavaScript without
 * install scripts.
 *
 * Percentiles of pooled samples are not here: HDR histograms are merged elsewhere.
 */
export {
  compareSamples,
  decideVerdict,
  runsPerSideNeeded,
  type SampleComparison,
  type Verdict,
  type VerdictOptions,
} from "./compare-samples.ts";
export { holmAdjust } from "./holm.ts";
export {
  formatRelativeDiff,
  type RelativeDiff,
  relativeBandOnScale,
  relativeDifference,
} from "./relative-difference.ts";
export {
  assertFiniteValues,
  mean,
  sampleVariance,
} from "./sample-moments.ts";
export {
  isResolved,
  type SamplingDecision,
  type SamplingInput,
  type SamplingReason,
  samplingDecision,
} from "./sampling-decision.ts";
export {
  studentTCritical,
  studentTQuantile,
  studentTTwoSidedPValue,
} from "./student-t.ts";
export { type FigureDomain, type Interval, summarize } from "./summarize.ts";
export {
  pooledStandardDeviation,
  type WelchInterval,
  type WelchTest,
  welchInterval,
  welchTTest,
} from "./welch.ts";
