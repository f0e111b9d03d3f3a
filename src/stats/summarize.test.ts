// Known answer: [1, 2, 3, 4, 5] has mean 3 and sd sqrt(2.5); the 95 % interval is
// 3 ± t_{0.975,4} * sqrt(2.5) / sqrt(5) = 3 ± 2.776445 * 0.707107 = [1.036757, 4.963243]
// (cross-checked: scipy `stats.t.interval(0.95, 4, loc=3, scale=stats.sem([1, 2, 3, 4, 5]))`).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { summarize } from "./summarize.ts";
import { draw, seededNormal } from "./test-support/seeded-random.ts";

describe("summarize", () => {
  it("gives the Student-t interval of a hand-checked sample", () => {
    const interval = summarize([1, 2, 3, 4, 5]);
    expect(interval.n).toBe(5);
    expect(interval.mean).toBe(3);
    expect(interval.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(interval.lo).toBeCloseTo(1.0367568385, 8);
    expect(interval.hi).toBeCloseTo(4.9632431615, 8);
  });

  it("uses the requested confidence (90 %: t_{0.95,4} = 2.131847)", () => {
    const interval = summarize([1, 2, 3, 4, 5], { confidence: 0.9 });
    expect(interval.hi).toBeCloseTo(3 + 2.131847 * Math.sqrt(0.5), 5);
  });

  it("cuts a non-negative figure's interval at 0, and only there", () => {
    // three widely spread p99s of one group (ms), as a `burst` long-polling group had
    const p99s = [116, 20, 1_950];
    const real = summarize(p99s);
    const cut = summarize(p99s, { domain: "non-negative" });
    expect(real.lo).toBeLessThan(0);
    expect(cut.lo).toBe(0);
    expect(cut.hi).toBe(real.hi);
    expect(cut.mean).toBe(real.mean);
    expect(cut.sd).toBe(real.sd);
    // an interval already above zero is untouched
    expect(summarize([1, 2, 3, 4, 5], { domain: "non-negative" })).toEqual(
      summarize([1, 2, 3, 4, 5]),
    );
    // a single run has no interval in either domain
    expect(summarize([5], { domain: "non-negative" }).lo).toBeNull();
  });

  it("property: a non-negative figure's interval never goes below 0 and still holds the mean", () => {
    const values = fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), {
      minLength: 2,
      maxLength: 30,
    });
    fc.assert(
      fc.property(values, (sample) => {
        const { mean, lo, hi } = summarize(sample, { domain: "non-negative" });
        return lo !== null && hi !== null && lo >= 0 && lo <= mean && mean <= hi;
      }),
      { seed: 20261201, numRuns: 500 },
    );
  });

  it("has no interval for a single run", () => {
    expect(summarize([42])).toEqual({ n: 1, mean: 42, lo: null, hi: null, sd: null });
  });

  it("collapses to the mean when every run agrees", () => {
    expect(summarize([7, 7, 7])).toEqual({ n: 3, mean: 7, lo: 7, hi: 7, sd: 0 });
  });

  it("rejects non-finite values, empty input and a bad confidence with clear errors", () => {
    expect(() => summarize([1, Number.NaN, 3])).toThrow("values[1] is NaN");
    expect(() => summarize([1, Number.POSITIVE_INFINITY])).toThrow("values[1] is Infinity");
    expect(() => summarize([])).toThrow(/empty/);
    expect(() => summarize([1, 2], { confidence: 1.5 })).toThrow(/confidence/);
  });

  it("property: the interval contains the mean and the sd is non-negative", () => {
    const values = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), {
      minLength: 2,
      maxLength: 30,
    });
    fc.assert(
      fc.property(values, (sample) => {
        const { mean, lo, hi, sd } = summarize(sample);
        return lo !== null && hi !== null && sd !== null && lo <= mean && mean <= hi && sd >= 0;
      }),
      { seed: 20240611, numRuns: 500 },
    );
  });

  it("covers the true mean of normal samples about 95 % of the time (seeded, 2,000 trials)", () => {
    const trueMean = 100;
    const next = seededNormal(12345, trueMean, 15);
    const trials = 2000;
    let covered = 0;
    for (let trial = 0; trial < trials; trial++) {
      const n = 3 + (trial % 8); // 3..10 runs, as in the bench
      const { lo, hi } = summarize(draw(next, n));
      if (lo !== null && hi !== null && lo <= trueMean && trueMean <= hi) covered++;
    }
    const coverage = covered / trials;
    expect(coverage).toBeGreaterThan(0.9);
    expect(coverage).toBeLessThan(0.99);
  });
});
