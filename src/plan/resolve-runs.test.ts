import { describe, expect, it } from "vitest";
import { DEFAULT_SCENARIO_IDS, getScenario } from "../../scenarios/index.ts";
import { DEFAULT_STRATEGIES as STRATEGIES } from "../model/strategies.ts";
import { UsageError } from "../util/usage-error.ts";

/** The budget applies to what `npm run bench` runs by default. */
const DEFAULT_SUITE = DEFAULT_SCENARIO_IDS.map((id) => getScenario(id));

import {
  estimatePlanMs,
  estimatePlannedRunMs,
  estimateRunMs,
  FAULT_OVERHEAD_MS,
  RUN_OVERHEAD_MS,
  resolvePlan,
  resolveRuns,
} from "./resolve-runs.ts";

// The default suite: the three default strategies (websocket is opt-in).
const all = { strategies: STRATEGIES };

describe("time budget (2-core machine, ~1.5 s per run for server start/stop)", () => {
  it("the default suite against all three strategies fits in 14 minutes of estimate", () => {
    const runs = resolveRuns(DEFAULT_SUITE, { ...all, quick: false });
    // steady and burst three times each (their defaultRepeat), the rest once.
    expect(runs).toHaveLength(3 * 3 + 3 * 3 + 3 + 12 + 12 + 4);
    // The estimate runs ~10 % above what the bench takes (docs/methodology.md).
    expect(estimatePlanMs(runs)).toBeLessThanOrEqual(14 * 60_000);
  });

  it("--quick fits in 50 s and every run but idle publishes in its window", () => {
    const runs = resolveRuns(DEFAULT_SUITE, { ...all, quick: true });
    expect(estimatePlanMs(runs)).toBeLessThanOrEqual(50_000);
    for (const run of runs) {
      expect(run.params.clients).toBeLessThanOrEqual(50);
      expect(run.warnings).toEqual([]);
      const expectedInWindow =
        (run.params.clients * run.params.ratePerSec * run.params.durationMs) / 1000;
      if (run.scenario === "idle") expect(expectedInWindow).toBe(0);
      else expect(expectedInWindow).toBeGreaterThanOrEqual(10);
    }
  });

  it("quick sweeps have at most 2 steps", () => {
    const runs = resolveRuns(DEFAULT_SUITE, { ...all, quick: true });
    for (const id of ["ramp", "rate-sweep", "interval-sweep"]) {
      const labels = new Set(runs.filter((r) => r.scenario === id).map((r) => r.step?.label));
      expect(labels.size).toBeGreaterThanOrEqual(1);
      expect(labels.size).toBeLessThanOrEqual(2);
    }
  });

  it("estimateRunMs adds phases, the drain limit and the per-run overhead", () => {
    const params = getScenario("steady").params;
    expect(estimateRunMs(params)).toBe(
      params.rampMs + params.warmupMs + params.durationMs + params.drainMs + RUN_OVERHEAD_MS,
    );
  });
});

describe("resolveRuns", () => {
  it("orders runs scenario -> step -> strategy, in the given strategy order", () => {
    const runs = resolveRuns([getScenario("steady"), getScenario("ramp")], {
      quick: false,
      strategies: ["sse", "short-polling"],
      repeat: 1,
    });
    expect(runs.map((r) => `${r.scenario}/${r.step?.label ?? "-"}/${r.strategy}`)).toEqual([
      "steady/-/sse",
      "steady/-/short-polling",
      "ramp/100 clients/sse",
      "ramp/100 clients/short-polling",
      "ramp/1,000 clients/sse",
      "ramp/1,000 clients/short-polling",
      "ramp/4,000 clients/sse",
      "ramp/4,000 clients/short-polling",
      "ramp/10,000 clients/sse",
      "ramp/10,000 clients/short-polling",
    ]);
  });

  it("resolves step overrides and reports the step", () => {
    const runs = resolveRuns([getScenario("ramp")], { quick: false, strategies: ["sse"] });
    expect(runs[3]?.step).toEqual({ parameter: "clients", label: "10,000 clients", value: 10_000 });
    expect(runs[3]?.params).toMatchObject({ clients: 10_000, rampMs: 3_000, ratePerSec: 0.05 });
  });

  it("quick: quick params win over full-size steps, but the swept value stays", () => {
    const interval = getScenario("interval-sweep");
    const withoutQuickSteps = { ...interval, quick: { params: interval.quick.params } };
    const runs = resolveRuns([withoutQuickSteps], { quick: true, strategies: STRATEGIES });
    expect(runs.map((r) => r.params.shortPollIntervalMs)).toEqual([250, 1_000, 5_000, 10_000]);
    expect(runs.every((r) => r.params.durationMs === 1_000 && r.params.clients === 20)).toBe(true);
  });

  it("quick: quick steps replace the sweep", () => {
    const runs = resolveRuns([getScenario("rate-sweep")], { quick: true, strategies: ["sse"] });
    expect(runs).toHaveLength(1);
    expect(runs[0]?.params).toMatchObject({ ratePerSec: 1, clients: 20, durationMs: 1_000 });
  });

  it("a scenario's own strategies filter the chosen ones", () => {
    const runs = resolveRuns([getScenario("interval-sweep")], {
      quick: false,
      strategies: STRATEGIES,
    });
    expect(new Set(runs.map((r) => r.strategy))).toEqual(new Set(["short-polling"]));
  });

  it("a scenario none of whose strategies were chosen is skipped with a warning", () => {
    const plan = resolvePlan([getScenario("steady"), getScenario("interval-sweep")], {
      quick: false,
      strategies: ["sse"],
      repeat: 1,
    });
    expect(plan.runs.map((r) => r.scenario)).toEqual(["steady"]);
    expect(plan.warnings).toEqual([
      "scenario 'interval-sweep' skipped: it runs only short-polling, which --strategies left out.",
    ]);
  });

  it("capacity runs say that --clients and --duration do not apply to them", () => {
    const plan = resolvePlan([getScenario("capacity")], {
      quick: true,
      strategies: ["short-polling", "long-polling"],
      clients: 10,
    });
    expect(plan.runs.every((run) => run.capacity !== null)).toBe(true);
    expect(plan.warnings).toEqual([
      "scenario 'capacity': --clients and --duration do not apply to capacity runs (autocannon connections and step lengths come from the scenario).",
    ]);
  });

  it("throws when nothing is left to run", () => {
    expect(() =>
      resolveRuns([getScenario("interval-sweep")], { quick: false, strategies: ["sse"] }),
    ).toThrow(UsageError);
  });

  it("duplicate strategies run once", () => {
    const runs = resolveRuns([getScenario("steady")], {
      quick: false,
      strategies: ["sse", "sse"],
      repeat: 1,
    });
    expect(runs).toHaveLength(1);
  });

  it("--clients overrides every run except sweeps over clients, which get a warning", () => {
    const runs = resolveRuns(
      [getScenario("steady"), getScenario("ramp"), getScenario("rate-sweep")],
      {
        quick: false,
        strategies: ["sse"],
        clients: 300,
        repeat: 1,
      },
    );
    const steady = runs.filter((r) => r.scenario === "steady");
    const ramp = runs.filter((r) => r.scenario === "ramp");
    const rate = runs.filter((r) => r.scenario === "rate-sweep");
    expect(steady.map((r) => r.params.clients)).toEqual([300]);
    expect(rate.every((r) => r.params.clients === 300)).toBe(true);
    expect(ramp.map((r) => r.params.clients)).toEqual([100, 1_000, 4_000, 10_000]);
    expect(ramp[0]?.warnings).toEqual([
      "--clients 300 not applied: 'ramp' sweeps clients (this step: 100).",
    ]);
    expect(steady[0]?.warnings).toEqual([]);
  });

  it("--duration overrides every run's window, steps included, and warns when too short", () => {
    const runs = resolveRuns([getScenario("idle"), getScenario("interval-sweep")], {
      quick: false,
      strategies: STRATEGIES,
      durationMs: 3_000,
    });
    expect(runs.every((r) => r.params.durationMs === 3_000)).toBe(true);
    const idle = runs.find((r) => r.scenario === "idle");
    expect(idle?.warnings.join("\n")).toMatch(/shorter than the long-poll hold \(25000 ms\)/);
    const tenSeconds = runs.find((r) => r.step?.value === 10_000);
    expect(tenSeconds?.warnings.join("\n")).toMatch(/fewer than 2 short-polling intervals/);
  });

  it("overrides are validated against the combined limits", () => {
    expect(() =>
      resolveRuns([getScenario("rate-sweep")], {
        quick: false,
        strategies: ["sse"],
        clients: 10_000,
      }),
    ).toThrow("scenario 'rate-sweep' step '10/s': 100000 notifications/s");
  });

  it("returned params are copies: changing one run changes no other", () => {
    const runs = resolveRuns([getScenario("steady")], { quick: false, strategies: STRATEGIES });
    (runs[0] as { params: { clients: number } }).params.clients = 1;
    expect(runs[1]?.params.clients).toBe(1_000);
    expect(getScenario("steady").params.clients).toBe(1_000);
  });
});

describe("repetitions (--repeat)", () => {
  /** rate-sweep cut to its first two steps: 2 steps, so the order within and across is visible. */
  const twoSteps = (() => {
    const scenario = getScenario("rate-sweep");
    const sweep = scenario.sweep;
    if (!sweep) throw new Error("rate-sweep has no sweep");
    return { ...scenario, sweep: { ...sweep, steps: sweep.steps.slice(0, 2) } };
  })();

  it("interleaves within each step: rep 1 of A B, rep 2 of A B, ..., never A A A B B B", () => {
    const runs = resolveRuns([twoSteps], {
      quick: false,
      strategies: ["sse", "long-polling"],
      repeat: 3,
    });
    expect(
      runs.map((r) => `${r.step?.label} ${r.strategy} ${r.repetition}/${r.repetitions}`),
    ).toEqual([
      "0.01/s sse 1/3",
      "0.01/s long-polling 1/3",
      "0.01/s sse 2/3",
      "0.01/s long-polling 2/3",
      "0.01/s sse 3/3",
      "0.01/s long-polling 3/3",
      "0.1/s sse 1/3",
      "0.1/s long-polling 1/3",
      "0.1/s sse 2/3",
      "0.1/s long-polling 2/3",
      "0.1/s sse 3/3",
      "0.1/s long-polling 3/3",
    ]);
  });

  it("without --repeat a scenario runs its defaultRepeat times, interleaved; --quick once", () => {
    const steady = getScenario("steady");
    expect(steady.defaultRepeat).toBe(3);
    const runs = resolveRuns([steady], { quick: false, strategies: ["sse", "long-polling"] });
    expect(runs.map((r) => `${r.strategy} ${r.repetition}/${r.repetitions}`)).toEqual([
      "sse 1/3",
      "long-polling 1/3",
      "sse 2/3",
      "long-polling 2/3",
      "sse 3/3",
      "long-polling 3/3",
    ]);
    const quick = resolveRuns([steady], { quick: true, strategies: STRATEGIES });
    expect(quick.map((r) => [r.strategy, r.repetition, r.repetitions])).toEqual(
      STRATEGIES.map((strategy) => [strategy, 1, 1]),
    );
    // --repeat wins over the scenario's own default, both ways.
    const once = resolveRuns([steady], { quick: false, strategies: STRATEGIES, repeat: 1 });
    expect(once).toHaveLength(3);
  });

  it("a scenario without defaultRepeat runs once", () => {
    const runs = resolveRuns([getScenario("idle")], { quick: false, strategies: STRATEGIES });
    expect(runs.map((r) => [r.strategy, r.repetition, r.repetitions])).toEqual(
      STRATEGIES.map((strategy) => [strategy, 1, 1]),
    );
  });

  it("repetitions are copies: changing one changes no other", () => {
    const runs = resolveRuns([getScenario("steady")], {
      quick: false,
      strategies: ["sse"],
      repeat: 2,
    });
    (runs[0] as { params: { clients: number } }).params.clients = 1;
    (runs[0] as { warnings: string[] }).warnings.push("x");
    expect(runs[1]?.params.clients).toBe(1_000);
    expect(runs[1]?.warnings).toEqual([]);
  });

  it("the estimate counts every repetition: N times the single plan", () => {
    const once = resolveRuns(DEFAULT_SUITE, { ...all, quick: false, repeat: 1 });
    const thrice = resolveRuns(DEFAULT_SUITE, { ...all, quick: false, repeat: 3 });
    expect(thrice).toHaveLength(3 * once.length);
    expect(estimatePlanMs(thrice)).toBe(3 * estimatePlanMs(once));
    const quick = resolveRuns([getScenario("steady")], {
      quick: true,
      strategies: STRATEGIES,
      repeat: 2,
    });
    const [first] = quick;
    if (!first) throw new Error("no run");
    expect(estimatePlanMs(quick)).toBe(6 * estimateRunMs(first.params));
  });

  it("estimatePlannedRunMs: a fault run adds FAULT_OVERHEAD_MS", () => {
    const [fault] = resolveRuns([getScenario("server-restart")], {
      quick: true,
      strategies: ["sse"],
    });
    if (!fault) throw new Error("no run");
    expect(estimatePlannedRunMs(fault)).toBe(estimateRunMs(fault.params) + FAULT_OVERHEAD_MS);
  });

  it("capacity runs run once, with a warning that says so", () => {
    const plan = resolvePlan([getScenario("steady"), getScenario("capacity")], {
      quick: true,
      strategies: ["short-polling", "long-polling"],
      repeat: 3,
    });
    const capacity = plan.runs.filter((r) => r.capacity !== null);
    expect(capacity.map((r) => [r.strategy, r.repetition, r.repetitions])).toEqual([
      ["short-polling", 1, 1],
      ["long-polling", 1, 1],
    ]);
    expect(plan.runs.filter((r) => r.scenario === "steady")).toHaveLength(6);
    expect(plan.warnings).toEqual([
      "scenario 'capacity': capacity runs are not repeated (--repeat, --until-confident); each runs once.",
    ]);
  });
});
