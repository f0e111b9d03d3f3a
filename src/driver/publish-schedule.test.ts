import { describe, expect, it } from "vitest";
import { createPublishSchedule, createRng } from "./publish-schedule.ts";

describe("createPublishSchedule", () => {
  it("fixed: exact spacing from startUs, end exclusive", () => {
    const times = [
      ...createPublishSchedule({ ratePerSec: 4, model: "fixed", startUs: 1_000, endUs: 1_001_000 }),
    ];
    expect(times).toEqual([1_000, 251_000, 501_000, 751_000]);
  });

  it("fixed: no drift over many events with a non-integer gap", () => {
    const times = [
      ...createPublishSchedule({ ratePerSec: 3, model: "fixed", startUs: 0, endUs: 100_000_000 }),
    ];
    expect(times).toHaveLength(300);
    expect(times[299]).toBe(Math.round((299 * 1_000_000) / 3));
  });

  it("rate 0 yields nothing", () => {
    for (const model of ["fixed", "poisson"] as const) {
      expect([...createPublishSchedule({ ratePerSec: 0, model, startUs: 0, endUs: 1e9 })]).toEqual(
        [],
      );
    }
  });

  it("rejects a negative or non-finite rate", () => {
    expect(() => [
      ...createPublishSchedule({ ratePerSec: -1, model: "fixed", startUs: 0, endUs: 1 }),
    ]).toThrow(RangeError);
    expect(() => [
      ...createPublishSchedule({
        ratePerSec: Number.POSITIVE_INFINITY,
        model: "fixed",
        startUs: 0,
        endUs: 1,
      }),
    ]).toThrow(RangeError);
  });

  it("poisson: deterministic for a seed, ascending, inside [start, end)", () => {
    const options = {
      ratePerSec: 50,
      model: "poisson" as const,
      startUs: 5_000,
      endUs: 10_005_000,
      seed: 42,
    };
    const a = [...createPublishSchedule(options)];
    const b = [...createPublishSchedule(options)];
    expect(a).toEqual(b);
    expect(
      a.every((t, i) => t >= 5_000 && t < 10_005_000 && (i === 0 || t >= (a[i - 1] ?? 0))),
    ).toBe(true);
    const other = [...createPublishSchedule({ ...options, seed: 43 })];
    expect(other).not.toEqual(a);
  });

  it("poisson: mean rate and gap within tolerance (fixed seed, so deterministic)", () => {
    const ratePerSec = 100;
    const durationUs = 100_000_000; // 100 s -> ~10,000 events
    const times = [
      ...createPublishSchedule({
        ratePerSec,
        model: "poisson",
        startUs: 0,
        endUs: durationUs,
        seed: 7,
      }),
    ];
    const expected = (ratePerSec * durationUs) / 1e6;
    // Poisson count: sd = sqrt(10,000) = 100; 3 % is 3 sd.
    expect(Math.abs(times.length - expected) / expected).toBeLessThan(0.03);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    const meanGap = gaps.reduce((sum, g) => sum + g, 0) / gaps.length;
    expect(Math.abs(meanGap - 10_000) / 10_000).toBeLessThan(0.03);
    // Exponential gaps: the standard deviation equals the mean (fixed spacing would give 0).
    const sd = Math.sqrt(gaps.reduce((sum, g) => sum + (g - meanGap) ** 2, 0) / gaps.length);
    expect(Math.abs(sd - meanGap) / meanGap).toBeLessThan(0.05);
  });
});

describe("createRng", () => {
  it("is uniform-ish in [0, 1) and reproducible", () => {
    const a = createRng(1);
    const b = createRng(1);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 10_000 - 0.5)).toBeLessThan(0.02);
  });
});
