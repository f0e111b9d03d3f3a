import { describe, expect, it, vi } from "vitest";
import { GAP_US, lagQuantileUs, measureMachineJitter } from "./machine-jitter.ts";

describe("measureMachineJitter", () => {
  it("spins for about the asked time and reports consistent figures", () => {
    const jitter = measureMachineJitter(50);
    expect(jitter.probeMs).toBeGreaterThanOrEqual(50);
    expect(jitter.lostShare).toBeGreaterThanOrEqual(0);
    expect(jitter.lostShare).toBeLessThanOrEqual(1);
    expect(jitter.gapsPerSec).toBeGreaterThanOrEqual(0);
    // a reported gap means a longest gap above the threshold, and no gaps means none
    if (jitter.gapsPerSec > 0) expect(jitter.maxGapUs).toBeGreaterThan(50);
    else expect(jitter.maxGapUs).toBe(0);
    // a perfect publisher is never later than the longest gap, and "at most GAP_US" otherwise
    expect(jitter.issueLagFloorP99Us).toBeGreaterThanOrEqual(GAP_US);
    expect(jitter.issueLagFloorP99Us).toBeLessThanOrEqual(Math.max(GAP_US, jitter.maxGapUs));
  });

  it("refuses a probe that would block the loop for long, or not at all", () => {
    expect(() => measureMachineJitter(0)).toThrow(/probeMs/);
    expect(() => measureMachineJitter(10_000)).toThrow(/probeMs/);
  });
});

describe("measureMachineJitter with a clock that does not move", () => {
  it("ends anyway (a test's frozen timers must not hang a bench)", () => {
    const spy = vi.spyOn(performance, "now").mockReturnValue(1_000);
    try {
      const jitter = measureMachineJitter(1);
      expect(jitter.gapsPerSec).toBe(0);
      expect(jitter.maxGapUs).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("lagQuantileUs: a perfect publisher held up only by the machine's gaps", () => {
  it("one 2 ms gap in 100 ms: 1 % of instants are later than 1 ms", () => {
    // P(lag > x) = (2000 - x) / 100000 = 0.01  =>  x = 1000
    expect(lagQuantileUs([2_000], 100_000, 0.99)).toBe(1_000);
  });

  it("no gaps, or too little lost time: at most the recording threshold", () => {
    expect(lagQuantileUs([], 100_000, 0.99)).toBe(GAP_US);
    // 3 x 200 us lost in 100 ms is 0.6 %: not even 1 % of instants is late at all
    expect(lagQuantileUs([200, 200, 200], 100_000, 0.99)).toBe(GAP_US);
    expect(lagQuantileUs([2_000], 0, 0.99)).toBe(GAP_US);
  });

  it("agrees with a brute-force count over every microsecond of a timeline", () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    for (let trial = 0; trial < 5; trial++) {
      const totalUs = 200_000;
      const gaps: number[] = [];
      // lag of an instant = what is left of the gap it falls in (gaps laid end to end after
      // random stretches of running time)
      const lags: number[] = [];
      let t = 0;
      while (t < totalUs) {
        const runUs = Math.floor(random() * 3_000);
        for (let i = 0; i < runUs && t < totalUs; i++, t++) lags.push(0);
        const gapUs = 60 + Math.floor(random() ** 3 * 1_500);
        if (t + gapUs > totalUs) break;
        gaps.push(gapUs);
        for (let i = 0; i < gapUs; i++, t++) lags.push(gapUs - i);
      }
      lags.sort((a, b) => a - b);
      const bruteP99 = lags[Math.ceil(0.99 * lags.length) - 1] as number;
      expect(Math.abs(lagQuantileUs(gaps, lags.length, 0.99) - bruteP99)).toBeLessThanOrEqual(2);
    }
  });

  it("refuses a quantile outside (0, 1)", () => {
    expect(() => lagQuantileUs([100], 1_000, 1)).toThrow(/q must be in \(0, 1\)/);
  });
});
