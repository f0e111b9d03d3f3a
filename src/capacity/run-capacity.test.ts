/**
 * runCapacity for real, in a tiny form: a real redis-server, a fresh server process per
 * strategy, autocannon over real sockets. Asserts the invariants of a capacity result, never
 * a speed (the machine is shared and has 2 cores).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capacity } from "../../scenarios/capacity.ts";
import type { CapacityResult } from "../model/results.ts";
import type { CapacitySpec } from "../model/scenario.ts";
import type { StrategyId } from "../model/strategies.ts";
import type { PlannedRun } from "../plan/resolve-runs.ts";
import { type RedisHandle, startRedis } from "../redis/managed-redis.ts";
import { createFixtureResults } from "../report/test-support/fixture.ts";
import { validateResults } from "../results/validate-results.ts";
import { runCapacity } from "./run-capacity.ts";

const TINY: CapacitySpec = {
  connections: 4,
  saturationMs: 1_000,
  stepMs: 1_000,
  stepFractions: [0.25, 0.5],
  p99BoundMs: 50,
  intervalsMs: [1_000, 30_000],
};

function planned(strategy: StrategyId): PlannedRun & { capacity: CapacitySpec } {
  return {
    scenario: "capacity",
    step: null,
    strategy,
    params: { ...capacity.params },
    repetition: 1,
    repetitions: 1,
    warnings: [],
    capacity: TINY,
    fault: null,
  };
}

let redis: RedisHandle;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe.each(["short-polling", "long-polling"] as const)("runCapacity %s", (strategy) => {
  let result: CapacityResult;
  const phases: string[] = [];
  beforeAll(async () => {
    result = await runCapacity({
      planned: planned(strategy),
      redisUrl: redis.url,
      keyPrefix: `cap-test:${strategy}:`,
      signal: new AbortController().signal,
      onProgress: (update) => phases.push(update.phase),
    });
  }, 30_000);

  it("measures a closed loop and every step", () => {
    expect(result.strategy).toBe(strategy);
    expect(result.connections).toBe(TINY.connections);
    expect(result.saturation.targetRps).toBeNull();
    expect(result.saturation.achievedRps).toBeGreaterThan(0);
    expect(result.saturation.requests).toBeGreaterThan(0);
    expect(result.steps).toHaveLength(TINY.stepFractions.length);
    for (const step of [result.saturation, ...result.steps]) {
      expect(step.achievedRps).toBeGreaterThan(0);
      expect(step.p50Ms).toBeLessThanOrEqual(step.p99Ms);
      expect(step.non2xx).toBe(0);
    }
    const targets = result.steps.map((s) => s.targetRps ?? 0);
    expect(targets).toEqual([...targets].sort((a, b) => a - b));
    expect(targets[0]).toBe(Math.max(1, Math.round(result.saturation.achievedRps * 0.25)));
  });

  it("keeps the sustained rate and the derived clients consistent", () => {
    if (result.maxSustainedRps !== null) {
      expect(result.maxSustainedRps).toBeLessThanOrEqual(result.saturation.achievedRps * 1.05);
      expect(result.steps.map((s) => s.achievedRps)).toContain(result.maxSustainedRps);
    } else {
      expect(result.valid).toBe(false);
    }
    expect(result.clientsPerProcess).toHaveLength(TINY.intervalsMs.length);
    for (const row of result.clientsPerProcess) {
      expect(row.requestsPerClientPerSec).toBeGreaterThan(0);
      expect(row.clients).toBe(
        result.maxSustainedRps === null
          ? null
          : Math.floor(result.maxSustainedRps / row.requestsPerClientPerSec),
      );
    }
    expect(result.valid).toBe(result.invalidReasons.length === 0);
  });

  it("records the server's cost, reports progress and fits the results schema", () => {
    expect(result.server.cpuSeconds).toBeGreaterThan(0);
    expect(result.server.peakRssBytes).toBeGreaterThan(0);
    expect(phases[0]).toBe("starting");
    expect(phases).toContain("measuring");
    expect(phases.at(-1)).toBe("done");
    const results = { ...createFixtureResults(), capacity: [result] };
    expect(() => validateResults(JSON.parse(JSON.stringify(results)))).not.toThrow();
  });
});

describe("runCapacity refuses and stops", () => {
  it("refuses SSE, which has no request/response route", async () => {
    await expect(
      runCapacity({
        planned: planned("sse"),
        redisUrl: redis.url,
        keyPrefix: "cap-test:sse:",
        signal: new AbortController().signal,
        onProgress: () => {},
      }),
    ).rejects.toThrow("request/response routes only");
  });

  it("stops between measurements when aborted", async () => {
    const controller = new AbortController();
    const startedAt = performance.now();
    const run = runCapacity({
      planned: planned("short-polling"),
      redisUrl: redis.url,
      keyPrefix: "cap-test:abort:",
      signal: controller.signal,
      onProgress: (update) => {
        if (update.phase === "measuring") controller.abort(new Error("interrupted"));
      },
    });
    await expect(run).rejects.toThrow("interrupted");
    // the closed loop and both steps would take 3 s or more
    expect(performance.now() - startedAt).toBeLessThan(10_000);
  });
});
