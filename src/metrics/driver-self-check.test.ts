import { availableParallelism } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_DRIVER_HEALTH_THRESHOLDS,
  DEFAULT_MAX_DRIVER_CPU_UTILIZATION,
  DEFAULT_MAX_DRIVER_EVENT_LOOP_DELAY_P99_MS,
  judgeDriverHealth,
  netEventLoopDelayMs,
  startSelfCheck,
} from "./driver-self-check.ts";

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Burn CPU and block the event loop on purpose.
  }
}

describe("judgeDriverHealth", () => {
  it("exports the documented defaults", () => {
    expect(DEFAULT_MAX_DRIVER_CPU_UTILIZATION).toBe(0.9);
    expect(DEFAULT_MAX_DRIVER_EVENT_LOOP_DELAY_P99_MS).toBe(100);
    expect(DEFAULT_DRIVER_HEALTH_THRESHOLDS).toEqual({
      maxCpuUtilization: 0.9,
      maxEventLoopDelayP99Ms: 100,
    });
  });

  it.each([
    { cpu: 0.2, delay: 5, valid: true, reasons: [] },
    { cpu: 0.9, delay: 100, valid: true, reasons: [] },
    {
      cpu: 0.97,
      delay: 5,
      valid: false,
      reasons: [/^driver CPU was 97% of one core \(limit 90%\): the driver, not the server/],
    },
    {
      cpu: 0.5,
      delay: 250.4,
      valid: false,
      reasons: [/^driver event-loop delay p99 was 250 ms \(limit 100 ms\)/],
    },
    {
      cpu: 1.3,
      delay: 400,
      valid: false,
      reasons: [/^driver CPU was 130%/, /^driver event-loop delay p99 was 400 ms/],
    },
    {
      cpu: Number.NaN,
      delay: Number.POSITIVE_INFINITY,
      valid: false,
      reasons: [/CPU could not be measured/, /delay could not be measured/],
    },
  ])("cpu $cpu, p99 $delay ms -> valid $valid", ({ cpu, delay, valid, reasons }) => {
    const health = judgeDriverHealth({ cpuUtilization: cpu, eventLoopDelayP99Ms: delay });
    expect(health.valid).toBe(valid);
    expect(health.reasons).toHaveLength(reasons.length);
    reasons.forEach((re, i) => {
      expect(health.reasons[i]).toMatch(re);
    });
  });

  it("uses the thresholds it is given", () => {
    const measured = { cpuUtilization: 0.5, eventLoopDelayP99Ms: 20 };
    expect(judgeDriverHealth(measured).valid).toBe(true);
    const strict = judgeDriverHealth(measured, {
      maxCpuUtilization: 0.4,
      maxEventLoopDelayP99Ms: 10,
    });
    expect(strict.valid).toBe(false);
    expect(strict.reasons[0]).toMatch(/50% of one core \(limit 40%\)/);
    expect(strict.reasons[1]).toMatch(/20 ms \(limit 10 ms\)/);
  });
});

describe("startSelfCheck", () => {
  it("sees a busy, blocking window as CPU used and event-loop delay", async () => {
    const check = startSelfCheck({ resolutionMs: 10 });
    spin(50); // Before mark(): must not count.
    check.mark();
    await sleep(30);
    spin(200);
    await sleep(30);
    const r = check.stop();

    expect(r.wallSeconds).toBeGreaterThanOrEqual(0.2);
    expect(r.cpuSeconds).toBeGreaterThan(0);
    // Invariant, not a speed target: no more CPU than every core for the whole window.
    expect(r.cpuSeconds).toBeLessThanOrEqual(r.wallSeconds * availableParallelism());
    expect(r.cpuUtilization).toBeCloseTo(r.cpuSeconds / r.wallSeconds, 10);
    // A 200 ms synchronous block delays the loop's timer by most of those 200 ms.
    expect(r.eventLoopDelayMaxMs).toBeGreaterThanOrEqual(150);
    expect(r.eventLoopDelayP99Ms).toBeGreaterThan(0);
    expect(r.eventLoopDelayP99Ms).toBeLessThanOrEqual(r.eventLoopDelayMaxMs);
    expect(r.rssBytes).toBeGreaterThan(0);
    expect(check.stop()).toBe(r);
    expect(() => check.mark()).toThrow(/already stopped/);
  });

  it("measures an idle window without errors", async () => {
    const check = startSelfCheck();
    check.mark();
    await sleep(100);
    const r = check.stop();
    expect(Number.isFinite(r.eventLoopDelayP99Ms)).toBe(true);
    expect(r.eventLoopDelayP99Ms).toBeGreaterThanOrEqual(0);
    expect(r.eventLoopDelayP99Ms).toBeLessThanOrEqual(r.eventLoopDelayMaxMs);
  });

  it("stop() right after mark() gives zeros, not NaN", () => {
    const check = startSelfCheck();
    check.mark();
    const r = check.stop();
    for (const v of Object.values(r)) expect(Number.isNaN(v)).toBe(false);
  });
});

describe("netEventLoopDelayMs", () => {
  it("subtracts the sampling interval the raw histogram includes, never below 0", () => {
    expect(netEventLoopDelayMs(10_250_000, 10)).toBeCloseTo(0.25, 10);
    expect(netEventLoopDelayMs(210_000_000, 10)).toBe(200);
    expect(netEventLoopDelayMs(9_900_000, 10)).toBe(0);
  });
});
