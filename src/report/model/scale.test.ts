import { describe, expect, it } from "vitest";
import type { RunResult } from "../../model/results.ts";
import { createFixtureResults, createRandom, fixtureResults } from "../test-support/fixture.ts";
import { groupByScenario } from "./run-groups.ts";
import {
  CPU_BUDGET_CORES_PER_PROCESS,
  DEFAULT_TARGET_USERS,
  estimateAtScale,
  targetUsersOf,
} from "./scale.ts";
import {
  CPU_COLUMNS,
  fitLinear,
  fitUnitCosts,
  MEMORY_COLUMNS,
  type Observation,
  observationOf,
  predict,
} from "./unit-costs.ts";

/** Observations whose CPU and RSS follow known unit costs exactly (plus optional noise). */
function observations(
  count: number,
  noise = 0,
  requestsPerDelivery: number | null = null,
): Observation[] {
  const random = createRandom(11);
  return Array.from({ length: count }, (_, i) => {
    const connections = 100 + ((i * 977) % 5000);
    const deliveriesPerSec = 10 + ((i * 331) % 900);
    const requestsPerSec =
      requestsPerDelivery === null
        ? 50 + ((i * 613) % 4000)
        : deliveriesPerSec * requestsPerDelivery;
    const processes = 1 + (i % 2);
    const cpuMsPerSec =
      30 * processes + 0.01 * connections + 0.2 * deliveriesPerSec + 0.05 * requestsPerSec;
    const rssBytes = 80e6 * processes + 20_000 * connections;
    const jitter = () => 1 + noise * (random() * 2 - 1);
    return {
      clients: connections,
      processes,
      connections,
      deliveriesPerSec,
      requestsPerSec,
      cpuMsPerSec: cpuMsPerSec * jitter(),
      rssBytes: rssBytes * jitter(),
    };
  });
}

describe("unit costs: the linear fit", () => {
  it("recovers the unit costs of exactly linear observations", () => {
    const fit = fitLinear(observations(12), CPU_COLUMNS, (o) => o.cpuMsPerSec);
    expect(fit?.terms).toEqual(["process", "connection", "delivery", "request"]);
    expect(fit?.coefficients.process?.value).toBeCloseTo(30, 6);
    expect(fit?.coefficients.connection?.value).toBeCloseTo(0.01, 9);
    expect(fit?.coefficients.delivery?.value).toBeCloseTo(0.2, 9);
    expect(fit?.coefficients.request?.value).toBeCloseTo(0.05, 9);
    expect(fit?.rmsRelativeError).toBeCloseTo(0, 9);
    const memory = fitLinear(observations(12), MEMORY_COLUMNS, (o) => o.rssBytes);
    expect(memory?.coefficients.connection?.value).toBeCloseTo(20_000, 3);
  });

  it("gives intervals that hold the true cost when the runs are noisy", () => {
    const fit = fitLinear(observations(40, 0.05), CPU_COLUMNS, (o) => o.cpuMsPerSec);
    const delivery = fit?.coefficients.delivery;
    expect(delivery?.halfWidth).not.toBeNull();
    expect(Math.abs((delivery?.value ?? 0) - 0.2)).toBeLessThan(delivery?.halfWidth ?? 0);
    expect(fit?.rmsRelativeError).toBeGreaterThan(0);
  });

  it("leaves out a term that is zero in every run, and says so", () => {
    const obs = observations(10).map((o) => ({ ...o, requestsPerSec: 0 }));
    const fit = fitLinear(obs, CPU_COLUMNS, (o) => o.cpuMsPerSec);
    expect(fit?.terms).not.toContain("request");
    expect(fit?.dropped).toEqual([{ term: "request", reason: "no requests in these runs" }]);
  });

  it("leaves out a term the others already explain (requests proportional to deliveries)", () => {
    const fit = fitLinear(observations(10, 0, 2), CPU_COLUMNS, (o) => o.cpuMsPerSec);
    expect(fit?.terms).not.toContain("request");
    expect(fit?.dropped[0]?.reason).toMatch(
      /not separable from processes and connections and deliveries/,
    );
  });

  it("never shows a negative unit cost", () => {
    // CPU that falls as connections grow: no physical cost can do that
    const obs = observations(12).map((o) => ({
      ...o,
      cpuMsPerSec: 500 - 0.05 * o.connections + 0.2 * o.deliveriesPerSec,
    }));
    const fit = fitLinear(obs, CPU_COLUMNS, (o) => o.cpuMsPerSec);
    for (const term of fit?.terms ?? [])
      expect(fit?.coefficients[term]?.value).toBeGreaterThanOrEqual(0);
    expect(
      fit?.dropped.some((d) => d.term === "connection" && /fitted negative/.test(d.reason)),
    ).toBe(true);
  });

  it("predicts an observation from its regressors", () => {
    const obs = observations(12);
    const fit = fitLinear(obs, CPU_COLUMNS, (o) => o.cpuMsPerSec);
    if (fit === null) throw new Error("no fit");
    const first = obs[0] as Observation;
    expect(predict(fit, CPU_COLUMNS, first)).toBeCloseTo(first.cpuMsPerSec, 6);
  });
});

describe("unit costs from results", () => {
  it("reads one observation per valid run with a server, and none from invalid ones", () => {
    const results = createFixtureResults();
    const run = results.runs[0] as RunResult;
    const o = observationOf(run);
    const seconds = run.timing.measuredMs / 1000;
    expect(o?.cpuMsPerSec).toBeCloseTo(((run.server?.cpuSeconds ?? 0) * 1000) / seconds, 9);
    expect(o?.deliveriesPerSec).toBeCloseTo(run.delivery.deliveredInWindow / seconds, 9);
    expect(observationOf({ ...run, valid: false })).toBeNull();
    expect(observationOf({ ...run, server: null })).toBeNull();
  });

  it("fits every strategy and checks the largest client count from the others", () => {
    const results = createFixtureResults();
    const costs = fitUnitCosts(results);
    expect(costs.map((c) => c.strategy)).toEqual(["short-polling", "long-polling", "sse"]);
    for (const c of costs) {
      const valid = results.runs.filter(
        (r) => r.strategy === c.strategy && r.valid && r.fault === null,
      );
      expect(c.runs).toBe(valid.length);
      expect(c.cpuCheck?.clients).toBe(Math.max(...valid.map((r) => r.params.clients)));
      expect(Number.isFinite(c.cpuCheck?.relativeError)).toBe(true);
    }
  });
});

describe("the scale estimate", () => {
  it("computes processes, CPU and memory from the unit costs by hand", () => {
    const results = createFixtureResults();
    const group = groupByScenario(results)
      .find((s) => s.scenario === "steady")
      ?.groups.find((g) => g.strategy === "sse");
    if (group === undefined) throw new Error("no steady sse group");
    const run = group.valid[0] as RunResult;
    const seconds = run.timing.measuredMs / 1000;
    const deliveriesPerUserSec = run.delivery.deliveredInWindow / seconds / run.params.clients;
    const costs = {
      strategy: "sse" as const,
      runs: 10,
      cpu: {
        terms: ["process", "connection", "delivery"] as (
          | "process"
          | "connection"
          | "delivery"
          | "request"
        )[],
        coefficients: {
          process: { value: 30, halfWidth: null },
          connection: { value: 0.01, halfWidth: null },
          delivery: { value: 0.2, halfWidth: null },
        },
        dropped: [],
        n: 10,
        rmsRelativeError: null,
        covariance: null,
      },
      memory: {
        terms: ["process", "connection"] as ("process" | "connection")[],
        coefficients: {
          process: { value: 80e6, halfWidth: null },
          connection: { value: 20_000, halfWidth: null },
        },
        dropped: [],
        n: 10,
        rmsRelativeError: null,
        covariance: null,
      },
      redisCommandsPerDelivery: { value: 10, halfWidth: null },
      cpuCheck: null,
      memoryCheck: null,
    };
    const users = 100_000;
    const estimate = estimateAtScale(costs, group, users);
    const variableMs = 0.01 * users + 0.2 * deliveriesPerUserSec * users;
    const processes = Math.ceil(variableMs / (CPU_BUDGET_CORES_PER_PROCESS * 1000 - 30));
    expect(estimate?.processes).toBe(processes);
    expect(estimate?.cpuCores).toBeCloseTo((variableMs + 30 * processes) / 1000, 9);
    expect(estimate?.memoryBytes).toBeCloseTo(80e6 * processes + 20_000 * users, 3);
    // Redis: this workload's own commands per user-second, times the users
    const redisPerUserSec = (run.redis?.commands ?? 0) / seconds / run.params.clients;
    expect(estimate?.redisCommandsPerSec).toBeCloseTo(redisPerUserSec * users, 6);
    expect(estimate?.cpuCoresHalfWidth).toBeNull();
    // a fixed cost above the budget: no number of processes holds the load
    const heavy = {
      ...costs,
      cpu: {
        ...costs.cpu,
        coefficients: { ...costs.cpu.coefficients, process: { value: 900, halfWidth: null } },
      },
    };
    expect(estimateAtScale(heavy, group, users)?.processes).toBeNull();
  });

  it("estimates for --target-users, else the default", () => {
    const results = fixtureResults(createFixtureResults().runs);
    expect(targetUsersOf(results)).toBe(DEFAULT_TARGET_USERS);
    results.method.targetUsers = 250_000;
    expect(targetUsersOf(results)).toBe(250_000);
  });
});
