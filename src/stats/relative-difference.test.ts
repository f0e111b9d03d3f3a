// Hand-checked examples.
// Log scale: a = exp([0.1, 0.2, 0.3]), b = exp([0, 0.1, 0.2]). The logs differ by 0.1 in mean,
// each has variance 0.01, so se = sqrt(0.01/3 + 0.01/3) = 0.0816497, Welch df = 4 (equal n and
// variances), t = 1.2247449, half-width = t_{0.975,4} * se = 2.776445 * 0.0816497 = 0.2266910.
// estimate = e^0.1 - 1 = 0.1051709, interval [e^(0.1 - 0.226691) - 1, e^(0.1 + 0.226691) - 1]
// = [-0.1189984, 0.3863797], p = 0.2878641 (scipy `stats.ttest_ind(la, lb, equal_var=False)`).
// Absolute scale: a = [0, 1, 2], b = [1, 2, 3]: difference -1, se = sqrt(2/3), df 4, half-width
// 2.776445 * 0.8164966 = 2.2669579, interval [-3.2669579, 1.2669579], the same p.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatRelativeDiff,
  relativeBandOnScale,
  relativeDifference,
} from "./relative-difference.ts";
import { draw, seededNormal } from "./test-support/seeded-random.ts";

describe("relativeDifference", () => {
  it("compares geometric means with a Welch interval on the log scale", () => {
    const diff = relativeDifference([0.1, 0.2, 0.3].map(Math.exp), [0, 0.1, 0.2].map(Math.exp));
    expect(diff.scale).toBe("log");
    expect(diff.estimate).toBeCloseTo(0.1051709181, 9);
    expect(diff.lo).toBeCloseTo(-0.1189983618, 8);
    expect(diff.hi).toBeCloseTo(0.3863796674, 8);
    expect(diff.pValue).toBeCloseTo(0.2878641347, 8);
    expect(diff.df).toBeCloseTo(4, 10);
    expect(diff.pooledSdOnScale).toBeCloseTo(0.1, 12);
    expect([diff.nA, diff.nB, diff.confidence]).toEqual([3, 3, 0.95]);
  });

  it("is scale-free: multiplying both samples by a constant changes nothing relative", () => {
    const a = [12.1, 13.4, 11.8, 12.9];
    const b = [10.2, 10.9, 11.1];
    const scaled = relativeDifference(
      a.map((x) => x * 1000),
      b.map((x) => x * 1000),
    );
    const plain = relativeDifference(a, b);
    expect(scaled.estimate).toBeCloseTo(plain.estimate, 12);
    expect(scaled.lo).toBeCloseTo(plain.lo ?? Number.NaN, 12);
    expect(scaled.pValue).toBeCloseTo(plain.pValue ?? Number.NaN, 12);
  });

  it("falls back to an absolute difference of means when a value is <= 0", () => {
    const diff = relativeDifference([0, 1, 2], [1, 2, 3]);
    expect(diff.scale).toBe("absolute");
    expect(diff.estimate).toBeCloseTo(-1, 12);
    expect(diff.lo).toBeCloseTo(-3.2669579355, 8);
    expect(diff.hi).toBeCloseTo(1.2669579355, 8);
    expect(diff.pValue).toBeCloseTo(0.2878641347, 8);
    expect([diff.meanA, diff.meanB]).toEqual([1, 2]);
  });

  it("gives 0 [0, 0] with p 1 for constant, equal samples", () => {
    const diff = relativeDifference([5, 5, 5], [5, 5, 5, 5]);
    expect([diff.estimate, diff.lo, diff.hi, diff.pValue]).toEqual([0, 0, 0, 1]);
  });

  it("has an estimate but no interval or p when a side has one run", () => {
    const diff = relativeDifference([200], [100, 100]);
    expect(diff.estimate).toBeCloseTo(1, 12);
    expect([diff.lo, diff.hi, diff.pValue, diff.df, diff.pooledSdOnScale]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it("rejects non-finite and empty input", () => {
    expect(() => relativeDifference([1, Number.NaN], [1, 2])).toThrow("a[1] is NaN");
    expect(() => relativeDifference([1, 2], [])).toThrow(/b is empty/);
  });

  it("property: log-scale intervals stay above -100 % and contain the estimate", () => {
    const positive = fc.array(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), {
      minLength: 2,
      maxLength: 12,
    });
    fc.assert(
      fc.property(positive, positive, (a, b) => {
        const { lo, hi, estimate } = relativeDifference(a, b);
        return lo !== null && hi !== null && lo >= -1 && lo <= estimate && estimate <= hi;
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it("covers the true ratio of log-normal samples about 95 % of the time (2,000 trials)", () => {
    const logShift = 0.1; // a is e^0.1 = 1.105x b in geometric mean
    const nextA = seededNormal(99, Math.log(100) + logShift, 0.1);
    const nextB = seededNormal(100, Math.log(100), 0.2);
    const trueRatioMinusOne = Math.expm1(logShift);
    const trials = 2000;
    let covered = 0;
    for (let trial = 0; trial < trials; trial++) {
      const a = draw(nextA, 3 + (trial % 8)).map(Math.exp);
      const b = draw(nextB, 3 + ((trial * 3) % 8)).map(Math.exp);
      const { lo, hi } = relativeDifference(a, b);
      if (lo !== null && hi !== null && lo <= trueRatioMinusOne && trueRatioMinusOne <= hi) {
        covered++;
      }
    }
    const coverage = covered / trials;
    expect(coverage).toBeGreaterThan(0.9);
    expect(coverage).toBeLessThan(0.99);
  });
});

describe("relativeBandOnScale and formatRelativeDiff", () => {
  it("expresses a relative band in the diff's units", () => {
    expect(relativeBandOnScale(relativeDifference([2, 3], [1, 2]), 0.05)).toBe(0.05);
    expect(relativeBandOnScale(relativeDifference([0, 3], [10, 30]), 0.05)).toBeCloseTo(1, 12);
  });

  it("prints percentages with signs, or absolute differences labelled as such", () => {
    const diff = relativeDifference([0.1, 0.2, 0.3].map(Math.exp), [0, 0.1, 0.2].map(Math.exp));
    expect(formatRelativeDiff(diff)).toBe("+10.5 % [-11.9 %, +38.6 %]");
    expect(formatRelativeDiff(relativeDifference([0, 1, 2], [1, 2, 3]))).toBe(
      "-1.00 [-3.27, +1.27] (absolute)",
    );
    expect(formatRelativeDiff(relativeDifference([2], [1]))).toBe("+100.0 % [n < 2]");
  });
});
