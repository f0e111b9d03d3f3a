import { describe, expect, it, vi } from "vitest";
import { measureMachineJitter } from "./machine-jitter.ts";

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
