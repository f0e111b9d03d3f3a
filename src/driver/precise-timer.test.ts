/**
 * The precise timer: never fires before its target, lets I/O run while it polls, can be
 * cancelled, and counts its polling time. Lateness is a speed and is not asserted here; the
 * publisher's issue-lag distribution (in every results file) is where it is measured.
 */
import { describe, expect, it } from "vitest";
import { monotonicClock } from "./clock.ts";
import { createPreciseTimer } from "./precise-timer.ts";

function fireAt(offsetUs: number): Promise<{ targetUs: number; firedUs: number }> {
  const timer = createPreciseTimer(monotonicClock);
  const targetUs = monotonicClock.nowUs() + offsetUs;
  return new Promise((resolve) => {
    timer.at(targetUs, () => resolve({ targetUs, firedUs: monotonicClock.nowUs() }));
  });
}

describe("createPreciseTimer", () => {
  it("never fires before the target, near or far", async () => {
    for (const offsetUs of [0, 200, 900, 3_000, 12_345]) {
      const { targetUs, firedUs } = await fireAt(offsetUs);
      expect(firedUs).toBeGreaterThanOrEqual(targetUs);
    }
  });

  it("fires at once for a target in the past", async () => {
    const { targetUs, firedUs } = await fireAt(-5_000);
    expect(firedUs).toBeGreaterThan(targetUs);
  });

  it("lets other callbacks run while it polls", async () => {
    const timer = createPreciseTimer(monotonicClock, 50_000);
    let otherRan = false;
    setTimeout(() => {
      otherRan = true;
    }, 5);
    await new Promise<void>((resolve) => timer.at(monotonicClock.nowUs() + 20_000, resolve));
    expect(otherRan).toBe(true);
    // It polled from the start (early wake 50 ms > 20 ms away), so polling time is counted.
    expect(timer.pollingUs()).toBeGreaterThan(10_000);
  });

  it("cancel() stops a pending target, and a new at() replaces the old one", async () => {
    const timer = createPreciseTimer(monotonicClock);
    const fired: string[] = [];
    timer.at(monotonicClock.nowUs() + 2_000, () => fired.push("cancelled"));
    timer.cancel();
    timer.at(monotonicClock.nowUs() + 3_000, () => fired.push("replaced"));
    await new Promise<void>((resolve) => timer.at(monotonicClock.nowUs() + 4_000, resolve));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fired).toEqual([]);
  });
});
