import { describe, expect, it } from "vitest";
import { createManualClock, monotonicClock } from "./clock.ts";

describe("monotonicClock", () => {
  it("never goes backwards and counts in microseconds", async () => {
    const a = monotonicClock.nowUs();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const b = monotonicClock.nowUs();
    expect(b - a).toBeGreaterThanOrEqual(15_000);
    expect(b - a).toBeLessThan(5_000_000);
  });
});

describe("createManualClock", () => {
  it("starts where told and moves only by hand", () => {
    const clock = createManualClock(100);
    expect(clock.nowUs()).toBe(100);
    clock.advance(50);
    expect(clock.nowUs()).toBe(150);
    clock.set(1_000);
    expect(clock.nowUs()).toBe(1_000);
  });

  it("refuses to go backwards", () => {
    const clock = createManualClock(10);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.set(5)).toThrow(/never goes backwards/);
  });
});
