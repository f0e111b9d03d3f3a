import { describe, expect, it } from "vitest";
import type { CapacityStep } from "../model/results.ts";
import {
  deriveClientsPerProcess,
  isSustained,
  longPollRequestsPerSec,
  selectMaxSustained,
  stepTargets,
  unsustainedReasons,
} from "./capacity-math.ts";

function step(targetRps: number | null, overrides: Partial<CapacityStep> = {}): CapacityStep {
  return {
    targetRps,
    achievedRps: targetRps ?? 1000,
    p50Ms: 2,
    p99Ms: 10,
    requests: 100,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    ...overrides,
  };
}

describe("stepTargets", () => {
  it("takes fractions of the saturation rate, whole and at least 1", () => {
    expect(stepTargets(1000, [0.25, 0.5, 0.75, 0.9])).toEqual([250, 500, 750, 900]);
    expect(stepTargets(3, [0.1, 0.5])).toEqual([1, 2]);
  });
});

describe("sustained steps", () => {
  it("needs p99 strictly under the bound, no errors, timeouts or non-2xx, and 95 % of target", () => {
    expect(isSustained(step(100), 50)).toBe(true);
    expect(unsustainedReasons(step(100, { p99Ms: 50 }), 50)).toEqual(["p99 50 ms >= 50 ms"]);
    expect(isSustained(step(100, { errors: 1 }), 50)).toBe(false);
    expect(isSustained(step(100, { timeouts: 1 }), 50)).toBe(false);
    expect(isSustained(step(100, { non2xx: 1 }), 50)).toBe(false);
    expect(isSustained(step(100, { achievedRps: 95 }), 50)).toBe(true);
    expect(unsustainedReasons(step(100, { achievedRps: 94 }), 50)).toEqual([
      "achieved 94 of 100 requests/s (< 95 %)",
    ]);
    expect(isSustained(step(100, { requests: 0 }), 50)).toBe(false);
  });

  it("selects the last sustained step before the first failure, in target order", () => {
    const steps = [step(250), step(500), step(750, { p99Ms: 80 }), step(900)];
    const selection = selectMaxSustained(steps, 50);
    expect(selection.maxSustainedRps).toBe(500);
    expect(selection.stepIndex).toBe(1);
    expect(selection.warnings).toHaveLength(1);
    expect(selection.warnings[0]).toContain("900 requests/s held the bound");
  });

  it("reports the achieved rate, whatever the order the steps were given in", () => {
    const selection = selectMaxSustained(
      [step(500, { achievedRps: 498.5 }), step(250, { achievedRps: 251 })],
      50,
    );
    expect(selection).toEqual({ maxSustainedRps: 498.5, stepIndex: 0, warnings: [] });
  });

  it("is null when the lowest step already fails, or there are no steps", () => {
    expect(selectMaxSustained([step(250, { p99Ms: 60 }), step(500)], 50).maxSustainedRps).toBe(
      null,
    );
    expect(selectMaxSustained([], 50)).toEqual({
      maxSustainedRps: null,
      stepIndex: null,
      warnings: [],
    });
  });
});

describe("clients per process", () => {
  it("short polling: one request per interval", () => {
    expect(deriveClientsPerProcess("short-polling", 1000, [1000, 5000, 30_000], 25_000)).toEqual([
      { label: "short polling every 1 s", requestsPerClientPerSec: 1, clients: 1000 },
      { label: "short polling every 5 s", requestsPerClientPerSec: 0.2, clients: 5000 },
      { label: "short polling every 30 s", requestsPerClientPerSec: 1 / 30, clients: 30_000 },
    ]);
  });

  it("long polling: one answer per notification plus one per expired hold", () => {
    expect(longPollRequestsPerSec(1000, 25_000)).toBe(1);
    expect(longPollRequestsPerSec(5000, 25_000)).toBe(0.2);
    // 30 s between notifications, 25 s holds: one hold expires, then the notification answers.
    expect(longPollRequestsPerSec(30_000, 25_000)).toBeCloseTo(2 / 30);
    expect(longPollRequestsPerSec(60_000, 25_000)).toBeCloseTo(3 / 60);
    const rows = deriveClientsPerProcess("long-polling", 999.9, [1000, 30_000], 25_000);
    expect(rows.map((r) => r.label)).toEqual([
      "long polling, a notification every 1 s (25 s hold)",
      "long polling, a notification every 30 s (25 s hold)",
    ]);
    expect(rows.map((r) => r.clients)).toEqual([999, Math.floor(999.9 / (2 / 30))]);
  });

  it("clients are consistent with the rate and null without a sustained rate", () => {
    for (const row of deriveClientsPerProcess("short-polling", 1234, [700, 5000], 25_000)) {
      expect(row.clients).toBe(Math.floor(1234 / row.requestsPerClientPerSec));
    }
    expect(
      deriveClientsPerProcess("long-polling", null, [1000], 25_000).map((r) => r.clients),
    ).toEqual([null]);
  });
});
