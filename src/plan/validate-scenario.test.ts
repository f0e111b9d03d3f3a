import { describe, expect, it } from "vitest";
import { capacity } from "../../scenarios/capacity.ts";
import { steady } from "../../scenarios/steady.ts";
import { PARAM_LIMITS, PARAM_NAMES } from "../model/param-limits.ts";
import type { Scenario, ScenarioParams } from "../model/scenario.ts";
import { UsageError } from "../util/usage-error.ts";
import { PARAM_RULES, validateParams, validateScenario } from "./validate-scenario.ts";

const sweep: Scenario = {
  id: "my-sweep",
  description: "A test sweep.",
  params: { ...steady.params, clients: 10 },
  sweep: {
    parameter: "clients",
    axisTitle: "clients",
    steps: [
      { label: "10", value: 10, overrides: { clients: 10 } },
      { label: "20", value: 20, overrides: { clients: 20 } },
    ],
  },
  quick: { params: { durationMs: 1_000 } },
};

function withParams(overrides: Record<string, unknown>): Scenario {
  return { ...steady, params: { ...steady.params, ...overrides } as ScenarioParams };
}

function messageOf(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected a UsageError");
}

describe("validateScenario: every field names the field, the value and the range", () => {
  const cases: [field: keyof ScenarioParams, bad: unknown, expected: string][] = [
    ["clients", 0, "params.clients 0 is out of range; use 1..10000"],
    ["clients", 10_001, "params.clients 10001 is out of range; use 1..10000"],
    ["clients", 1.5, "params.clients 1.5 is not a whole number; use a whole number in 1..10000"],
    ["ratePerSec", -1, "params.ratePerSec -1 is out of range; use 0..100"],
    ["ratePerSec", Number.NaN, "params.ratePerSec null is not a number; use 0..100"],
    [
      "publishModel",
      "uniform",
      'params.publishModel "uniform" is not allowed; use one of poisson, fixed',
    ],
    ["fanout", "some", 'params.fanout "some" is not allowed; use one of per-user, all-users'],
    ["shortPollIntervalMs", 5, "params.shortPollIntervalMs 5 is out of range; use 10..60000"],
    ["jitterRatio", 1.5, "params.jitterRatio 1.5 is out of range; use 0..1"],
    ["longPollHoldMs", 50, "params.longPollHoldMs 50 is out of range; use 100..120000"],
    ["rampMs", -1, "params.rampMs -1 is out of range; use 0..60000"],
    ["warmupMs", 60_001, "params.warmupMs 60001 is out of range; use 0..60000"],
    ["durationMs", 0, "params.durationMs 0 is out of range; use 100..600000"],
    ["drainMs", "2s", 'params.drainMs "2s" is not a number; use 0..60000'],
    ["payloadBytes", 100_000, "params.payloadBytes 100000 is out of range; use 0..65536"],
    ["instances", 0, "params.instances 0 is out of range; use 1..8"],
    ["instances", 9, "params.instances 9 is out of range; use 1..8"],
  ];
  it("covers every parameter", () => {
    expect(new Set(cases.map(([field]) => field))).toEqual(new Set(Object.keys(PARAM_RULES)));
  });
  it("the rules are the table in src/model/param-limits.ts", () => {
    expect(PARAM_RULES).toBe(PARAM_LIMITS);
    expect(new Set(PARAM_NAMES)).toEqual(new Set(Object.keys(steady.params)));
  });
  for (const [field, bad, expected] of cases) {
    it(`${field} = ${String(bad)}`, () => {
      expect(messageOf(() => validateScenario(withParams({ [field]: bad })))).toBe(
        `scenario 'steady': ${expected}`,
      );
    });
  }

  it("a missing or unknown parameter", () => {
    const { payloadBytes: _omitted, ...rest } = steady.params;
    expect(messageOf(() => validateScenario({ ...steady, params: rest as ScenarioParams }))).toBe(
      "scenario 'steady': params.payloadBytes is missing",
    );
    expect(messageOf(() => validateScenario(withParams({ clientz: 5 })))).toMatch(
      /^scenario 'steady': params\.clientz is not a parameter; known: clients, /,
    );
  });

  it("a total notification rate the machine cannot drive", () => {
    expect(messageOf(() => validateScenario(withParams({ clients: 10_000, ratePerSec: 10 })))).toBe(
      "scenario 'steady': 100000 notifications/s (clients 10000 x ratePerSec 10) is more than 20000; lower clients or ratePerSec",
    );
  });

  it("id, description, strategies", () => {
    expect(messageOf(() => validateScenario({ ...steady, id: "Steady State" }))).toMatch(
      /^scenario 'Steady State': id must be kebab-case/,
    );
    expect(messageOf(() => validateScenario({ ...steady, description: " " }))).toMatch(
      /description is empty/,
    );
    expect(messageOf(() => validateScenario({ ...steady, strategies: [] }))).toMatch(
      /strategies is empty; leave it out for all \(short-polling, long-polling, sse\)/,
    );
    expect(
      messageOf(() => validateScenario({ ...steady, strategies: ["websocket" as never] })),
    ).toBe(
      "scenario 'steady': strategies[0] 'websocket' is unknown; use short-polling, long-polling, sse",
    );
    expect(messageOf(() => validateScenario({ ...steady, strategies: ["sse", "sse"] }))).toBe(
      "scenario 'steady': strategies lists 'sse' twice",
    );
  });

  it("the quick form is checked, merged and alone", () => {
    expect(
      messageOf(() => validateScenario({ ...steady, quick: { params: { clients: -3 } } })),
    ).toBe("scenario 'steady': quick.params.clients -3 is out of range; use 1..10000");
    expect(
      messageOf(() =>
        validateScenario({ ...steady, quick: { params: {}, steps: sweep.sweep?.steps ?? [] } }),
      ),
    ).toBe("scenario 'steady': quick.steps is given but the scenario has no sweep");
  });
});

describe("validateScenario: sweeps", () => {
  it("a valid sweep passes", () => {
    expect(() => validateScenario(sweep)).not.toThrow();
  });

  const withSweep = (changes: Partial<NonNullable<Scenario["sweep"]>>): Scenario => ({
    ...sweep,
    sweep: { ...(sweep.sweep as NonNullable<Scenario["sweep"]>), ...changes },
  });

  it("names the bad step and field", () => {
    expect(
      messageOf(() =>
        validateScenario(
          withSweep({ steps: [{ label: "x", value: 0, overrides: { clients: 0 } }] }),
        ),
      ),
    ).toBe("scenario 'my-sweep': sweep.steps[0].overrides.clients 0 is out of range; use 1..10000");
    expect(
      messageOf(() =>
        validateScenario(
          withSweep({ steps: [{ label: "x", value: 5, overrides: { clients: 6 } }] }),
        ),
      ),
    ).toBe(
      "scenario 'my-sweep': sweep.steps[0].value 5 differs from overrides.clients 6; make them equal",
    );
    expect(
      messageOf(() =>
        validateScenario(
          withSweep({ steps: [{ label: "x", value: 5, overrides: { rampMs: 6 } }] }),
        ),
      ),
    ).toBe(
      "scenario 'my-sweep': sweep.steps[0].overrides.clients is missing; every step must set the swept parameter",
    );
    const twice = { label: "x", value: 5, overrides: { clients: 5 } };
    expect(messageOf(() => validateScenario(withSweep({ steps: [twice, twice] })))).toBe(
      "scenario 'my-sweep': sweep.steps[1].label 'x' is used twice",
    );
    expect(messageOf(() => validateScenario(withSweep({ steps: [] })))).toBe(
      "scenario 'my-sweep': sweep.steps is empty; a sweep needs at least one step",
    );
  });

  it("rejects a non-numeric swept parameter and an empty axis title", () => {
    expect(messageOf(() => validateScenario(withSweep({ parameter: "fanout" })))).toMatch(
      /sweep\.parameter 'fanout' is not a numeric parameter; use one of clients, ratePerSec/,
    );
    expect(messageOf(() => validateScenario(withSweep({ axisTitle: "" })))).toMatch(
      /sweep\.axisTitle is empty/,
    );
  });

  it("validates each step as it really runs (combined limits)", () => {
    const heavy = withSweep({
      steps: [{ label: "10k", value: 10_000, overrides: { clients: 10_000, ratePerSec: 5 } }],
    });
    expect(messageOf(() => validateScenario(heavy))).toMatch(
      /^scenario 'my-sweep' step 0 '10k': 50000 notifications\/s/,
    );
  });
});

describe("validateParams", () => {
  it("prefixes the message with where the params came from", () => {
    expect(
      messageOf(() =>
        validateParams({ ...steady.params, durationMs: 50 }, "scenario 'x' step '1 s'"),
      ),
    ).toBe("scenario 'x' step '1 s': params.durationMs 50 is out of range; use 100..600000");
  });
});

describe("validateScenario: capacity specs", () => {
  const base: Scenario = capacity;
  function withCapacity(overrides: Record<string, unknown>, quick?: Record<string, unknown>) {
    return {
      ...base,
      capacity: { ...base.capacity, ...overrides },
      quick: { ...base.quick, ...(quick ? { capacity: quick } : {}) },
    } as Scenario;
  }

  it("accepts the registered capacity scenario", () => {
    expect(() => validateScenario(capacity)).not.toThrow();
  });

  const cases: [overrides: Record<string, unknown>, expected: string][] = [
    [{ connections: 0 }, "capacity.connections 0 is out of range; use 1..1000"],
    [
      { connections: 2.5 },
      "capacity.connections 2.5 is not a whole number; use a whole number in 1..1000",
    ],
    [{ saturationMs: 500 }, "capacity.saturationMs 500 is out of range; use 1000..60000"],
    [
      { stepMs: 1500 },
      "capacity.stepMs 1500 is not a whole number of seconds; autocannon runs in whole seconds, use e.g. 2000",
    ],
    [{ p99BoundMs: "50" }, 'capacity.p99BoundMs "50" is not a number; use 1..10000'],
    [{ stepFractions: [] }, "capacity.stepFractions must be a non-empty list"],
    [
      { stepFractions: [0.5, 1.5] },
      "capacity.stepFractions[1] 1.5 is out of range; use a fraction of the saturation rate in (0, 1], e.g. 0.5",
    ],
    [
      { stepFractions: [0.5, 0.25] },
      "capacity.stepFractions[1] 0.25 is not above the one before (0.5); list fractions in ascending order, each once",
    ],
    [{ intervalsMs: [1000, 1000] }, "capacity.intervalsMs[1] 1000 is listed twice"],
    [{ intervalsMs: [10] }, "capacity.intervalsMs[0] 10 is out of range; use 100..3600000"],
    [{ rate: 5 }, "capacity.rate is not a capacity field; known: connections, saturationMs"],
  ];
  it.each(cases)("%j -> names field, value and range", (overrides, expected) => {
    expect(messageOf(() => validateScenario(withCapacity(overrides)))).toContain(
      `scenario 'capacity': ${expected}`,
    );
  });

  it("checks quick overrides and a missing field", () => {
    expect(messageOf(() => validateScenario(withCapacity({}, { stepMs: 0 })))).toBe(
      "scenario 'capacity': quick.capacity.stepMs 0 is out of range; use 1000..60000",
    );
    const { p99BoundMs: _, ...withoutBound } = capacity.capacity ?? ({} as never);
    expect(
      messageOf(() =>
        validateScenario({ ...capacity, capacity: withoutBound as typeof capacity.capacity }),
      ),
    ).toBe("scenario 'capacity': capacity.p99BoundMs is missing");
    expect(
      messageOf(() =>
        validateScenario({ ...steady, quick: { ...steady.quick, capacity: { stepMs: 1000 } } }),
      ),
    ).toBe("scenario 'steady': quick.capacity is given but the scenario has no capacity spec");
  });

  it("allows only the polling strategies, and requires the list", () => {
    expect(
      messageOf(() => validateScenario({ ...capacity, strategies: ["short-polling", "sse"] })),
    ).toBe(
      "scenario 'capacity': strategies[1] 'sse' cannot be driven by a capacity run (no request/response route); use short-polling, long-polling",
    );
    const { strategies: _, ...withoutStrategies } = capacity;
    expect(messageOf(() => validateScenario(withoutStrategies))).toContain(
      "strategies is missing; a capacity scenario drives request/response routes",
    );
  });
});
