// Known answers for the stdlib-backed t functions. Integer-df quantiles are the two-sided 95 %
// critical values of any standard t table (e.g. NIST/SEMATECH e-Handbook of Statistical Methods,
// section 1.3.6.7.2); the non-integer-df and p-value figures were cross-checked with
// `python3 -c "from scipy import stats; print(stats.t.ppf(0.975, 7.030559959884322))"` and
// `stats.t.cdf` (scipy 1.17).
import { describe, expect, it } from "vitest";
import { studentTCritical, studentTQuantile, studentTTwoSidedPValue } from "./student-t.ts";

describe("studentTQuantile", () => {
  it("matches a standard t table", () => {
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302653, 6);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262157, 6);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042272, 6);
    expect(studentTQuantile(0.95, 4)).toBeCloseTo(2.131847, 6);
    expect(studentTQuantile(0.025, 9)).toBeCloseTo(-2.262157, 6);
  });

  it("takes the non-integer degrees of freedom that Welch's test produces", () => {
    expect(studentTQuantile(0.975, 7.030559959884322)).toBeCloseTo(2.3625422, 6);
  });

  it("rejects impossible arguments", () => {
    expect(() => studentTQuantile(0.975, 0)).toThrow(/degrees of freedom/);
    expect(() => studentTQuantile(0.975, Number.POSITIVE_INFINITY)).toThrow(/degrees/);
    expect(() => studentTQuantile(1, 5)).toThrow(/probability/);
  });
});

describe("studentTCritical", () => {
  it("is the upper (1 + confidence) / 2 quantile", () => {
    expect(studentTCritical(0.95, 9)).toBeCloseTo(2.262157, 6);
    expect(studentTCritical(0.9, 4)).toBeCloseTo(2.131847, 6);
  });
});

describe("studentTTwoSidedPValue", () => {
  it("inverts the critical value and is symmetric in t", () => {
    expect(studentTTwoSidedPValue(2.262157162798205, 9)).toBeCloseTo(0.05, 10);
    expect(studentTTwoSidedPValue(-1.5, 3.5)).toBeCloseTo(0.217818187, 8);
    expect(studentTTwoSidedPValue(1.5, 3.5)).toBeCloseTo(0.217818187, 8);
  });

  it("gives 1 at t = 0 and 0 at infinite t", () => {
    expect(studentTTwoSidedPValue(0, 5)).toBe(1);
    expect(studentTTwoSidedPValue(Number.NEGATIVE_INFINITY, 5)).toBe(0);
  });

  it("rejects a NaN statistic", () => {
    expect(() => studentTTwoSidedPValue(Number.NaN, 5)).toThrow(/NaN/);
  });
});
