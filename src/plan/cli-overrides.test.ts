import { describe, expect, it } from "vitest";
import { getScenario } from "../../scenarios/index.ts";
import { resolvePlan } from "./resolve-runs.ts";

const steady = getScenario("steady");

describe("parameter flags and --sweep in the plan", () => {
  it("a parameter flag replaces its parameter in every run, --quick included", () => {
    const runs = resolvePlan([steady, getScenario("idle")], {
      quick: true,
      strategies: ["sse"],
      overrides: { ratePerSec: 0.5, payloadBytes: 2_048, fanout: "all-users" },
    }).runs;
    for (const run of runs) {
      expect(run.params).toMatchObject({
        ratePerSec: 0.5,
        payloadBytes: 2_048,
        fanout: "all-users",
      });
    }
  });

  it("refuses a flag on the parameter a scenario sweeps, naming the flag and the fix", () => {
    expect(() =>
      resolvePlan([getScenario("rate-sweep")], {
        quick: false,
        strategies: ["sse"],
        overrides: { ratePerSec: 1 },
      }),
    ).toThrow(
      "--rate conflicts with scenario 'rate-sweep', which sweeps ratePerSec; drop --rate or choose scenarios that do not sweep it (e.g. --scenario steady).",
    );
  });

  it("a flag that breaks a run's limits is refused like a bad scenario", () => {
    expect(() =>
      resolvePlan([steady], {
        quick: false,
        strategies: ["sse"],
        overrides: { ratePerSec: 100 },
      }),
    ).toThrow(/^scenario 'steady': 100000 notifications\/s .* lower clients or ratePerSec$/);
  });

  it("--sweep turns a scenario into a sweep whose steps carry the parameter, quick or not", () => {
    const sweep = {
      parameter: "ratePerSec" as const,
      steps: [
        { label: "1/min", value: 1 / 60 },
        { label: "5/s", value: 5 },
      ],
    };
    for (const quick of [false, true]) {
      const runs = resolvePlan([steady], { quick, strategies: ["sse"], sweep, repeat: 1 }).runs;
      expect(runs.map((r) => r.step)).toEqual([
        { parameter: "ratePerSec", label: "1/min", value: 1 / 60 },
        { parameter: "ratePerSec", label: "5/s", value: 5 },
      ]);
      expect(runs.map((r) => r.params.ratePerSec)).toEqual([1 / 60, 5]);
      expect(runs[0]?.params.clients).toBe(quick ? 20 : 1_000);
    }
  });

  it("--sweep is refused on sweeps, faults and capacity scenarios", () => {
    const sweep = { parameter: "clients" as const, steps: [{ label: "5", value: 5 }] };
    const plan = (id: string) =>
      resolvePlan([getScenario(id)], { quick: true, strategies: ["short-polling"], sweep });
    expect(() => plan("ramp")).toThrow(/which sweeps clients already; choose scenarios without/);
    expect(() => plan("redis-blip")).toThrow(/a fault scenario cannot also be a sweep/);
    expect(() => plan("capacity")).toThrow(/a capacity scenario cannot also be a sweep/);
  });

  it("--history reaches every planned run", () => {
    const runs = resolvePlan([steady], {
      quick: true,
      strategies: ["sse"],
      historyMaxLen: 50,
    }).runs;
    expect(runs.every((r) => r.historyMaxLen === 50)).toBe(true);
  });
});
