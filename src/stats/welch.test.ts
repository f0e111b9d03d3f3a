// Known answers for Welch's test.
// 1. Wikipedia, "Student's t-test", Worked examples, unequal variances: screw weights
//    A1 = {30.02, 29.99, 30.11, 29.97, 30.01, 29.99}, A2 = {29.89, 29.93, 29.72, 29.98, 30.02,
//    29.98}: standard error ≈ 0.04849, d.f. ≈ 7.031, t ≈ 1.959, two-tailed p ≈ 0.09077.
// 2. R's `t.test(ts1, ts2)` (Welch by default) on ts1 = c(11,9,10,11,10,12,9,11,12,9),
//    ts2 = c(11,13,10,13,12,9,11,12,12,11): t = -1.8325, df = 17.9, p-value = 0.08356,
//    95 % CI [-2.1469104, 0.1469104].
// Both cross-checked to more digits with scipy 1.17:
// `stats.ttest_ind(a, b, equal_var=False)` and its `.confidence_interval(0.95)`.
import { describe, expect, it } from "vitest";
import { pooledStandardDeviation, welchInterval, welchTTest } from "./welch.ts";

const screwsA1 = [30.02, 29.99, 30.11, 29.97, 30.01, 29.99];
const screwsA2 = [29.89, 29.93, 29.72, 29.98, 30.02, 29.98];
const ts1 = [11, 9, 10, 11, 10, 12, 9, 11, 12, 9];
const ts2 = [11, 13, 10, 13, 12, 9, 11, 12, 12, 11];

describe("welchTTest", () => {
  it("reproduces Wikipedia's worked example", () => {
    const result = welchTTest(screwsA1, screwsA2);
    expect(result.t).toBeCloseTo(1.9590058081, 8);
    expect(result.df).toBeCloseTo(7.0305599599, 8);
    expect(result.pValue).toBeCloseTo(0.0907733243, 8);
    expect(welchInterval(screwsA1, screwsA2).standardError).toBeCloseTo(0.04849, 5);
  });

  it("reproduces R's t.test example", () => {
    const result = welchTTest(ts1, ts2);
    expect(result.t).toBeCloseTo(-1.8325416653, 8);
    expect(result.df).toBeCloseTo(17.9003101462, 8);
    expect(result.pValue).toBeCloseTo(0.0835597916, 8);
  });

  it("is antisymmetric in its arguments", () => {
    const forward = welchTTest(ts1, ts2);
    const backward = welchTTest(ts2, ts1);
    expect(backward.t).toBeCloseTo(-forward.t, 12);
    expect(backward.df).toBeCloseTo(forward.df, 12);
    expect(backward.pValue).toBeCloseTo(forward.pValue, 12);
  });

  it("handles samples without spread", () => {
    expect(welchTTest([5, 5, 5], [5, 5])).toEqual({ t: 0, df: 3, pValue: 1 });
    expect(welchTTest([6, 6, 6], [5, 5])).toEqual({
      t: Number.POSITIVE_INFINITY,
      df: 3,
      pValue: 0,
    });
    // One side constant: df = n_other - 1 (Welch–Satterthwaite with one variance 0).
    expect(welchTTest([1, 2, 3], [5, 5, 5, 5]).df).toBeCloseTo(2, 12);
  });

  it("needs two values a side and finite values", () => {
    expect(() => welchTTest([1], [1, 2])).toThrow(/at least 2 values per side/);
    expect(() => welchTTest([1, 2], [1, Number.NaN])).toThrow("b[1] is NaN");
  });
});

describe("welchInterval", () => {
  it("reproduces R's 95 % interval of the mean difference", () => {
    const result = welchInterval(ts1, ts2);
    expect(result.meanDifference).toBeCloseTo(-1, 12);
    expect(result.lo).toBeCloseTo(-2.1469103661, 8);
    expect(result.hi).toBeCloseTo(0.1469103661, 8);
  });
});

describe("pooledStandardDeviation", () => {
  it("weights variances by degrees of freedom", () => {
    // var([1, 2, 3]) = 1 (2 df), var([2, 4, 6, 8]) = 20/3 (3 df): (2 + 20) / 5 = 4.4.
    expect(pooledStandardDeviation([1, 2, 3], [2, 4, 6, 8])).toBeCloseTo(Math.sqrt(4.4), 12);
    expect(pooledStandardDeviation([1], [2, 3])).toBeNull();
  });
});
