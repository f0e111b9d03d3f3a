import { describe, expect, it } from "vitest";
import { parseScenarioFileText } from "../src/plan/scenario-file.ts";
import { validateScenario } from "../src/plan/validate-scenario.ts";
import { UsageError } from "../src/util/usage-error.ts";
import { definitionOf } from "./define-scenario.ts";
import { DEFAULT_SCENARIO_IDS, getScenario, SCENARIO_IDS, SCENARIOS } from "./index.ts";

describe("scenario registry", () => {
  it("holds the six default scenarios in suite order, then the opt-in ones, ids unique", () => {
    expect(DEFAULT_SCENARIO_IDS).toEqual([
      "steady",
      "burst",
      "idle",
      "ramp",
      "rate-sweep",
      "interval-sweep",
    ]);
    expect(SCENARIO_IDS.slice(0, DEFAULT_SCENARIO_IDS.length)).toEqual(DEFAULT_SCENARIO_IDS);
    expect(SCENARIO_IDS).toContain("two-instances");
    expect(new Set(SCENARIO_IDS).size).toBe(SCENARIOS.length);
  });

  it("every scenario is valid", () => {
    for (const scenario of SCENARIOS) expect(() => validateScenario(scenario)).not.toThrow();
  });

  it("every built-in is written in the scenario-file form: as JSON in a file it parses to itself", () => {
    const definitions = SCENARIOS.map((scenario) => definitionOf(scenario));
    expect(definitions.every((d) => d !== undefined)).toBe(true);
    const file = JSON.stringify({ scenarios: definitions });
    expect(parseScenarioFileText(file, "built-ins.json")).toEqual(SCENARIOS);
  });

  it("getScenario finds by id and lists valid ids for an unknown one", () => {
    expect(getScenario("burst").id).toBe("burst");
    expect(() => getScenario("stedy")).toThrow(UsageError);
    expect(() => getScenario("stedy")).toThrow(
      `unknown scenario 'stedy'; use one of: ${SCENARIO_IDS.join(", ")}.`,
    );
  });
});

describe("scenario content", () => {
  it("steady: 1,000 clients, 0.1/s per user, poisson per-user, 1 s polling, 25 s hold", () => {
    expect(getScenario("steady").params).toMatchObject({
      clients: 1_000,
      ratePerSec: 0.1,
      publishModel: "poisson",
      fanout: "per-user",
      shortPollIntervalMs: 1_000,
      longPollHoldMs: 25_000,
    });
  });

  it("burst: one fixed all-users event every 4 s to 1,000 clients, three in the window", () => {
    const { params } = getScenario("burst");
    expect(params).toMatchObject({
      clients: 1_000,
      ratePerSec: 0.25,
      publishModel: "fixed",
      fanout: "all-users",
    });
    // Fixed broadcasts fall at k / rate after warm-up starts; the window is
    // [warm-up, warm-up + duration). Three inside it, the last a second before its end (what
    // arrives after the end is counted by the drain, which covers a short-polling interval).
    const gapMs = 1_000 / params.ratePerSec;
    const end = params.warmupMs + params.durationMs;
    const inWindow: number[] = [];
    for (let at = 0; at < end; at += gapMs) if (at >= params.warmupMs) inWindow.push(at);
    expect(inWindow).toHaveLength(3);
    expect(end - (inWindow.at(-1) ?? end)).toBeGreaterThanOrEqual(1_000);
    expect(params.drainMs).toBeGreaterThan(params.shortPollIntervalMs * 1.1);
  });

  it("idle: 2,000 clients, nothing published, window long enough for a hold to expire", () => {
    const { params } = getScenario("idle");
    expect(params).toMatchObject({ clients: 2_000, ratePerSec: 0 });
    // A client connecting at r in [0, ramp] has its hold expire at r + hold; the window is
    // [ramp + warm-up, ramp + warm-up + duration]. Every expiry must fall inside it.
    expect(params.longPollHoldMs).toBeGreaterThanOrEqual(params.rampMs + params.warmupMs);
    expect(params.longPollHoldMs).toBeLessThanOrEqual(params.warmupMs + params.durationMs);
    expect(params.durationMs % params.longPollHoldMs).toBe(0);
  });

  it("sweeps: ramp over clients 100..10,000, rate 0.01..10/s, interval 250 ms..10 s (short polling only)", () => {
    const values = (id: string) => getScenario(id).sweep?.steps.map((s) => s.value);
    expect(values("ramp")).toEqual([100, 1_000, 4_000, 10_000]);
    expect(values("rate-sweep")).toEqual([0.01, 0.1, 1, 10]);
    expect(values("interval-sweep")).toEqual([250, 1_000, 5_000, 10_000]);
    expect(getScenario("interval-sweep").strategies).toEqual(["short-polling"]);
  });

  it("interval-sweep: each window covers at least two intervals, each drain the longest wait", () => {
    const scenario = getScenario("interval-sweep");
    for (const step of scenario.sweep?.steps ?? []) {
      const params = { ...scenario.params, ...step.overrides };
      expect(params.durationMs).toBeGreaterThanOrEqual(2 * params.shortPollIntervalMs);
      expect(params.drainMs).toBeGreaterThan(params.shortPollIntervalMs * (1 + params.jitterRatio));
    }
  });
});
