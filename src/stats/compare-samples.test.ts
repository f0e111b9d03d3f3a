// Verdict rules on constructed samples and on hand-made RelativeDiff values. The run-count
// estimate was checked with scipy: the smallest n with
// stats.t.ppf(0.975, 2n - 2) * 0.1 * sqrt(2 / n) <= ln(1.05) = 0.0487902 is n = 34
// (n = 33 gives 0.0491807, n = 34 gives 0.0484238).
import { describe, expect, it } from "vitest";
import { compareSamples, decideVerdict, runsPerSideNeeded } from "./compare-samples.ts";
import type { RelativeDiff } from "./relative-difference.ts";
import { draw, seededNormal } from "./test-support/seeded-random.ts";

function makeDiff(overrides: Partial<RelativeDiff>): RelativeDiff {
  return {
    scale: "log",
    estimate: 0,
    lo: -0.01,
    hi: 0.01,
    pValue: 0.9,
    df: 8,
    nA: 5,
    nB: 5,
    meanA: 100,
    meanB: 100,
    pooledSdOnScale: 0.01,
    confidence: 0.95,
    ...overrides,
  };
}

describe("compareSamples", () => {
  it("calls identical, quiet samples within noise", () => {
    const runs = [100, 102, 98, 101, 99];
    const result = compareSamples(runs, runs);
    expect(result.verdict).toBe("within-noise");
    expect(result.runsNeeded).toBeNull();
    expect(result.diff.estimate).toBeCloseTo(0, 12);
    expect(result.reason).toMatch(/inside the ±5\.0 % band/);
  });

  it("flags a 2x shift with small noise by direction", () => {
    const before = [100, 101, 99, 100.5];
    const doubled = before.map((x) => x * 2 + (x % 2));
    expect(compareSamples(before, doubled).verdict).toBe("regressed");
    expect(compareSamples(before, doubled, { lowerIsBetter: false }).verdict).toBe("improved");
    const halved = before.map((x) => x / 2);
    expect(compareSamples(before, halved).verdict).toBe("improved");
    expect(compareSamples(before, doubled).diff.estimate).toBeGreaterThan(0.9);
  });

  it("is inconclusive with fewer than minRuns on either side", () => {
    const result = compareSamples([100, 101], [200, 201, 199]);
    expect(result.verdict).toBe("inconclusive");
    expect(result.runsNeeded).toBe(3);
    expect(compareSamples([100], [200], { minRuns: 1 }).runsNeeded).toBe(2);
  });

  it("calls noisy samples of one distribution within noise, with the runs a tighter answer needs", () => {
    const next = seededNormal(1, 100, 20);
    const result = compareSamples(draw(next, 3), draw(next, 3));
    expect(result.verdict).toBe("within-noise");
    expect(result.runsNeeded).toBeGreaterThan(3);
    expect(result.runsNeeded).toBeLessThanOrEqual(50);
    expect(result.reason).toMatch(/straddles zero, p = .*; wider than the ±5\.0 % band/);
  });

  it("rarely claims a change between samples of one distribution (200 seeded pairs)", () => {
    let falseVerdicts = 0;
    for (let seed = 0; seed < 200; seed++) {
      const next = seededNormal(1000 + seed, 100, 10);
      const { verdict } = compareSamples(draw(next, 5), draw(next, 5));
      if (verdict === "improved" || verdict === "regressed") falseVerdicts++;
    }
    expect(falseVerdicts / 200).toBeLessThanOrEqual(0.12); // alpha = 0.05 expected
  });

  it("reports a real change smaller than the band, unless the adjusted p says otherwise", () => {
    const before = [100, 100.5, 99.5, 100, 100.2];
    const after = [102, 102.5, 101.5, 102, 102.2]; // +2.0 % [+1.5 %, +2.5 %], p 2.5e-5
    const raw = compareSamples(before, after);
    expect(raw.verdict).toBe("regressed");
    expect(raw.reason).toMatch(/smaller than the ±5\.0 % band/);
    const adjusted = compareSamples(before, after, { adjustedPValue: 0.2 });
    expect(adjusted.verdict).toBe("within-noise");
    expect(adjusted.reason).toMatch(/adjusted p = 0\.20/);
  });

  it("works on the absolute scale when values can be zero or negative", () => {
    const result = compareSamples([-1, 0, 1], [9, 10, 11]);
    expect(result.diff.scale).toBe("absolute");
    expect(result.verdict).toBe("regressed");
    expect(compareSamples([0, 0, 0], [0, 0, 0]).verdict).toBe("within-noise");
  });

  it("calls constant, equal samples within noise", () => {
    const result = compareSamples([5, 5, 5], [5, 5, 5]);
    expect(result.verdict).toBe("within-noise");
    expect(result.diff.pValue).toBe(1);
  });

  it("rejects non-finite values and bad options", () => {
    expect(() => compareSamples([1, 2, 3], [1, Number.NaN, 3])).toThrow("a[1] is NaN");
    expect(() => compareSamples([1, 2, 3], [1, 2, 3], { alpha: 0 })).toThrow(/alpha/);
    expect(() => compareSamples([1, 2, 3], [1, 2, 3], { minRuns: 0 })).toThrow(/minRuns/);
  });
});

describe("decideVerdict", () => {
  it("estimates runs per side from the pooled log-scale sd", () => {
    const diff = makeDiff({ lo: -0.1, hi: 0.15, pValue: 0.5, pooledSdOnScale: 0.1 });
    const result = decideVerdict(diff);
    expect(result.verdict).toBe("within-noise");
    expect(result.runsNeeded).toBe(34);
    expect(result.reason).toMatch(/about 34 runs per side/);
  });

  it("is within noise when clear of zero but not significant after adjustment, and says why", () => {
    const diff = makeDiff({ estimate: 0.4, lo: 0.1, hi: 0.8, pValue: 0.001, pooledSdOnScale: 0.2 });
    expect(decideVerdict(diff).verdict).toBe("regressed");
    const result = decideVerdict(diff, { adjustedPValue: 0.3 });
    expect(result.verdict).toBe("within-noise");
    expect(result.reason).toMatch(/clear of zero but adjusted p = 0\.30 >= 0\.05/);
  });

  it("treats a null adjusted p-value as absent", () => {
    const diff = makeDiff({ estimate: -0.3, lo: -0.4, hi: -0.2, pValue: 0.001 });
    expect(decideVerdict(diff, { adjustedPValue: null }).verdict).toBe("improved");
  });
});

describe("runsPerSideNeeded", () => {
  it("caps the estimate and asks for at least one more run than now", () => {
    expect(runsPerSideNeeded(makeDiff({ pooledSdOnScale: 1 }), 0.05, 50)).toBe(50);
    expect(runsPerSideNeeded(makeDiff({ pooledSdOnScale: 1e-4, nA: 7 }), 0.05, 50)).toBe(8);
    expect(runsPerSideNeeded(makeDiff({ pooledSdOnScale: null }), 0.05, 50)).toBe(50);
    expect(runsPerSideNeeded(makeDiff({ nA: 60, nB: 60 }), 0.05, 50)).toBe(50);
  });

  it("uses a band in metric units for absolute-scale diffs", () => {
    // sd 1 unit, band 5 % of |meanB| = 10 -> 10 units; n = 2 gives 12.706 * 1 * 1 > 10,
    // n = 3 gives t_{0.975,4} * sqrt(2/3) = 2.776 * 0.816 = 2.27 <= 10, but at least nA + 1 = 3.
    const diff = makeDiff({ scale: "absolute", meanB: 200, pooledSdOnScale: 1, nA: 2, nB: 2 });
    expect(runsPerSideNeeded(diff, 0.05, 50)).toBe(3);
  });
});
