// The sampling stop rule on injected interval sequences (a bench loop feeding it one round at
// a time), plus one end-to-end loop over seeded samples.
import { describe, expect, it } from "vitest";
import type { RelativeDiff } from "./relative-difference.ts";
import { relativeDifference } from "./relative-difference.ts";
import { isResolved, type SamplingInput, samplingDecision } from "./sampling-decision.ts";
import { draw, seededNormal } from "./test-support/seeded-random.ts";

function interval(lo: number | null, hi: number | null, scale: "log" | "absolute" = "log") {
  const diff: RelativeDiff = {
    scale,
    estimate: lo === null || hi === null ? 0 : (lo + hi) / 2,
    lo,
    hi,
    pValue: null,
    df: null,
    nA: 3,
    nB: 3,
    meanA: 100,
    meanB: 100,
    pooledSdOnScale: null,
    confidence: 0.95,
  };
  return diff;
}

const base: Omit<SamplingInput, "comparisons" | "runsDone"> = {
  horizon: 0.05,
  elapsedMs: 1_000,
  budgetMs: 60_000,
  minRuns: 3,
  maxRuns: 10,
};

describe("isResolved", () => {
  it("accepts intervals above, below or inside the horizon band only", () => {
    expect(isResolved(interval(0.06, 0.2), 0.05)).toBe(true); // entirely above +5 %
    expect(isResolved(interval(-0.3, -0.051), 0.05)).toBe(true); // entirely below -5 %
    expect(isResolved(interval(-0.04, 0.05), 0.05)).toBe(true); // inside ±5 %
    expect(isResolved(interval(0.02, 0.2), 0.05)).toBe(false); // crosses +5 %
    expect(isResolved(interval(-0.1, 0.1), 0.05)).toBe(false); // spans the band
    expect(isResolved(interval(null, null), 0.05)).toBe(false); // no interval yet
  });

  it("with horizon 0 asks only whether the interval is clear of zero", () => {
    expect(isResolved(interval(0.001, 0.02), 0)).toBe(true);
    expect(isResolved(interval(-0.02, -0.001), 0)).toBe(true);
    expect(isResolved(interval(-0.01, 0.02), 0)).toBe(false);
    expect(isResolved(interval(0, 0), 0)).toBe(true);
  });

  it("scales the horizon by |meanB| for absolute-scale diffs", () => {
    // meanB 100, horizon 5 % -> ±5 units.
    expect(isResolved(interval(-4, 4.5, "absolute"), 0.05)).toBe(true);
    expect(isResolved(interval(-4, 6, "absolute"), 0.05)).toBe(false);
  });
});

describe("samplingDecision", () => {
  it("continues while a comparison is unresolved, then stops when all are", () => {
    const rounds = [
      { runsDone: 3, comparisons: [interval(-0.1, 0.2), interval(0.1, 0.3)] },
      { runsDone: 4, comparisons: [interval(-0.06, 0.08), interval(0.08, 0.25)] },
      { runsDone: 5, comparisons: [interval(-0.03, 0.04), interval(0.09, 0.2)] },
    ];
    const decisions = rounds.map((round) => samplingDecision({ ...base, ...round }));
    expect(decisions.map((d) => d.reason)).toEqual(["continue", "continue", "resolved"]);
    expect(decisions.map((d) => d.stop)).toEqual([false, false, true]);
    expect(decisions.map((d) => d.unresolved)).toEqual([1, 1, 0]);
  });

  it("does not stop on resolution or budget before minRuns", () => {
    const resolved = [interval(0.1, 0.2)];
    expect(samplingDecision({ ...base, comparisons: resolved, runsDone: 2 }).reason).toBe(
      "continue",
    );
    const overBudget = { ...base, elapsedMs: 90_000, comparisons: [interval(-1, 1)] };
    expect(samplingDecision({ ...overBudget, runsDone: 2 }).reason).toBe("continue");
    expect(samplingDecision({ ...overBudget, runsDone: 3 })).toEqual({
      stop: true,
      reason: "time-budget",
      unresolved: 1,
    });
  });

  it("stops at maxRuns, and prefers 'resolved' when both hold", () => {
    const unresolved = [interval(-0.2, 0.2)];
    expect(samplingDecision({ ...base, comparisons: unresolved, runsDone: 10 }).reason).toBe(
      "max-runs",
    );
    const resolved = [interval(0.1, 0.2)];
    expect(samplingDecision({ ...base, comparisons: resolved, runsDone: 10 }).reason).toBe(
      "resolved",
    );
  });

  it("rejects inconsistent limits", () => {
    const input = { ...base, comparisons: [], runsDone: 3 };
    expect(() => samplingDecision({ ...input, maxRuns: 2 })).toThrow(/maxRuns/);
    expect(() => samplingDecision({ ...input, horizon: -0.1 })).toThrow(/horizon/);
  });

  it("drives a seeded bench loop to resolution for a clear 20 % shift", () => {
    const nextBefore = seededNormal(5, 100, 5);
    const nextAfter = seededNormal(6, 120, 5);
    const before: number[] = [];
    const after: number[] = [];
    let decision = samplingDecision({ ...base, comparisons: [], runsDone: 0 });
    while (!decision.stop) {
      before.push(...draw(nextBefore, 1));
      after.push(...draw(nextAfter, 1));
      const comparisons = [relativeDifference(after, before)];
      decision = samplingDecision({ ...base, comparisons, runsDone: before.length });
    }
    expect(decision.reason).toBe("resolved");
    expect(before.length).toBeLessThanOrEqual(10);
    expect(before.length).toBeGreaterThanOrEqual(3);
  });
});
