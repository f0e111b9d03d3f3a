import { describe, expect, it } from "vitest";
import { capacity } from "../../scenarios/capacity.ts";
import { steady } from "../../scenarios/steady.ts";
import { PARAM_LIMITS, PARAM_NAMES } from "../model/param-limits.ts";
import type { Scenario, ScenarioParams } from "../model/scenario.ts";
import { usageErrorOf } from "../util/test-support/thrown.ts";
import {
  PARAM_RULES,
  parseScenario,
  validateParams,
  validateScenario,
} from "./validate-scenario.ts";

const sweep = parseScenario({
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
});

function withParams(overrides: Record<string, unknown>): Scenario {
  return { ...steady, params: { ...steady.params, ...overrides } as ScenarioParams };
}

describe("validateScenario: every field names the path, the value, the range and the unit", () => {
  const cases: [field: keyof ScenarioParams, bad: unknown, expected: string][] = [
    ["clients", 0, "params.clients: 0 is out of range; use 1..40000 (clients)"],
    ["clients", 40_001, "params.clients: 40001 is out of range; use 1..40000 (clients)"],
    [
      "clients",
      1.5,
      "params.clients: 1.5 is not a whole number; use a whole number in 1..40000 (clients)",
    ],
    [
      "ratePerSec",
      -1,
      "params.ratePerSec: -1 is out of range; use 0..100 (notifications per user per second)",
    ],
    [
      "ratePerSec",
      Number.NaN,
      "params.ratePerSec: null is not a number; use 0..100 (notifications per user per second)",
    ],
    [
      "publishModel",
      "uniform",
      'params.publishModel: "uniform" is not allowed; use one of poisson, fixed',
    ],
    ["fanout", "some", 'params.fanout: "some" is not allowed; use one of per-user, all-users'],
    ["shortPollIntervalMs", 5, "params.shortPollIntervalMs: 5 is out of range; use 10..60000 (ms)"],
    ["jitterRatio", 1.5, "params.jitterRatio: 1.5 is out of range; use 0..1 (ratio)"],
    ["longPollHoldMs", 50, "params.longPollHoldMs: 50 is out of range; use 100..120000 (ms)"],
    ["rampMs", -1, "params.rampMs: -1 is out of range; use 0..60000 (ms)"],
    ["warmupMs", 60_001, "params.warmupMs: 60001 is out of range; use 0..60000 (ms)"],
    ["durationMs", 0, "params.durationMs: 0 is out of range; use 100..600000 (ms)"],
    ["drainMs", "2s", 'params.drainMs: "2s" is not a number; use 0..60000 (ms)'],
    ["payloadBytes", 100_000, "params.payloadBytes: 100000 is out of range; use 0..65536 (bytes)"],
    ["instances", 0, "params.instances: 0 is out of range; use 1..8 (server processes)"],
    ["instances", 9, "params.instances: 9 is out of range; use 1..8 (server processes)"],
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
      expect(usageErrorOf(() => validateScenario(withParams({ [field]: bad })))).toBe(
        `scenario 'steady': ${expected}`,
      );
    });
  }

  it("a missing parameter takes its default; an unknown one is refused with the known ones", () => {
    const { payloadBytes: _omitted, ...rest } = steady.params;
    expect(parseScenario({ ...steady, params: rest }).params.payloadBytes).toBe(
      PARAM_LIMITS.payloadBytes.default,
    );
    expect(usageErrorOf(() => validateScenario(withParams({ clientz: 5 })))).toMatch(
      /^scenario 'steady': params\.clientz: is not a parameter; known: clients, ratePerSec, /,
    );
  });

  it("a left-out drain covers one short-polling wait", () => {
    const { drainMs: _omitted, ...rest } = steady.params;
    const slow = parseScenario({ ...steady, params: { ...rest, shortPollIntervalMs: 5_000 } });
    expect(slow.params.drainMs).toBe(5_500 + 1_000);
    // 1 s polling + 10 % jitter + 1 s is just above the table's 2 s.
    expect(parseScenario({ ...steady, params: rest }).params.drainMs).toBe(2_100);
    const fast = { ...rest, shortPollIntervalMs: 250 };
    expect(parseScenario({ ...steady, params: fast }).params.drainMs).toBe(
      PARAM_LIMITS.drainMs.default,
    );
  });

  it("a total notification rate the machine cannot drive", () => {
    expect(
      usageErrorOf(() => validateScenario(withParams({ clients: 10_000, ratePerSec: 10 }))),
    ).toBe(
      "scenario 'steady': params: 100000 notifications/s (clients 10000 x ratePerSec 10) is more than 20000; lower clients or ratePerSec",
    );
  });

  it("id, description, strategies, unknown fields", () => {
    expect(usageErrorOf(() => validateScenario({ ...steady, id: "Steady State" }))).toMatch(
      /^scenario 'Steady State': id: "Steady State" is not kebab-case/,
    );
    expect(usageErrorOf(() => validateScenario({ ...steady, description: " " }))).toBe(
      "scenario 'steady': description: is empty; say in one sentence what question the scenario answers",
    );
    expect(usageErrorOf(() => validateScenario({ ...steady, strategies: [] }))).toMatch(
      /strategies: is empty; leave it out for all \(short-polling, long-polling, sse/,
    );
    expect(
      usageErrorOf(() => validateScenario({ ...steady, strategies: ["websockt" as never] })),
    ).toMatch(
      /^scenario 'steady': strategies\[0\]: "websockt" is not allowed; use one of short-polling, /,
    );
    expect(usageErrorOf(() => validateScenario({ ...steady, strategies: ["sse", "sse"] }))).toBe(
      "scenario 'steady': strategies[1]: lists 'sse' twice; give each strategy once",
    );
    expect(usageErrorOf(() => parseScenario({ ...steady, colour: "red" }))).toMatch(
      /^scenario 'steady': colour: is not a scenario field; known: id, description, params, /,
    );
  });

  it("the quick form is checked, merged and alone", () => {
    expect(
      usageErrorOf(() => validateScenario({ ...steady, quick: { params: { clients: -3 } } })),
    ).toBe("scenario 'steady': quick.params.clients: -3 is out of range; use 1..40000 (clients)");
    expect(
      usageErrorOf(() =>
        validateScenario({ ...steady, quick: { params: {}, steps: sweep.sweep?.steps ?? [] } }),
      ),
    ).toBe(
      "scenario 'steady': quick.steps: is given but the scenario has no sweep; drop it or add a sweep",
    );
  });

  it("quick.params go on top of the standard quick phases (users only, not capacity)", () => {
    expect(sweep.quick.params).toMatchObject({ clients: 20, rampMs: 100, durationMs: 1_000 });
    expect(capacity.quick.params).toEqual({});
  });
});

describe("validateScenario: sweeps", () => {
  it("a valid sweep passes", () => {
    expect(() => validateScenario(sweep)).not.toThrow();
  });

  const withSweep = (changes: Record<string, unknown>): unknown => ({
    ...sweep,
    sweep: { ...sweep.sweep, ...changes },
  });

  it("fills a step's label and swept override from its value, and the axis title", () => {
    const filled = parseScenario({
      id: "s",
      description: "d",
      sweep: {
        parameter: "payloadBytes",
        steps: [{ value: 100 }, { value: 2_048, label: "2 KiB" }],
      },
    });
    expect(filled.sweep).toEqual({
      parameter: "payloadBytes",
      axisTitle: "payloadBytes (bytes)",
      steps: [
        { label: "100", value: 100, overrides: { payloadBytes: 100 } },
        { label: "2 KiB", value: 2_048, overrides: { payloadBytes: 2_048 } },
      ],
    });
  });

  it("names the bad step and field", () => {
    expect(
      usageErrorOf(() =>
        parseScenario(withSweep({ steps: [{ label: "x", value: 0, overrides: { clients: 0 } }] })),
      ),
    ).toBe(
      "scenario 'my-sweep': sweep.steps[0].overrides.clients: 0 is out of range; use 1..40000 (clients)",
    );
    expect(
      usageErrorOf(() =>
        parseScenario(withSweep({ steps: [{ label: "x", value: 5, overrides: { clients: 6 } }] })),
      ),
    ).toBe(
      "scenario 'my-sweep': sweep.steps[0].value: 5 differs from overrides.clients 6; make them equal",
    );
    const twice = { label: "x", value: 5 };
    expect(usageErrorOf(() => parseScenario(withSweep({ steps: [twice, twice] })))).toBe(
      "scenario 'my-sweep': sweep.steps[1].label: 'x' is used twice; give each step its own",
    );
    expect(usageErrorOf(() => parseScenario(withSweep({ steps: [] })))).toBe(
      "scenario 'my-sweep': sweep.steps: is empty; a sweep needs at least one step",
    );
  });

  it("rejects a non-numeric swept parameter and an empty axis title", () => {
    expect(usageErrorOf(() => parseScenario(withSweep({ parameter: "fanout" })))).toMatch(
      /sweep\.parameter: "fanout" is not a numeric parameter; use one of clients, ratePerSec/,
    );
    expect(usageErrorOf(() => parseScenario(withSweep({ axisTitle: "" })))).toMatch(
      /sweep\.axisTitle: is empty/,
    );
  });

  it("validates each step as it really runs (combined limits)", () => {
    const heavy = withSweep({
      steps: [{ label: "10k", value: 10_000, overrides: { clients: 10_000, ratePerSec: 5 } }],
    });
    expect(usageErrorOf(() => parseScenario(heavy))).toMatch(
      /^scenario 'my-sweep': sweep\.steps\[0\]\.overrides: 50000 notifications\/s/,
    );
  });
});

describe("validateParams", () => {
  it("prefixes the message with where the params came from", () => {
    expect(
      usageErrorOf(() =>
        validateParams({ ...steady.params, durationMs: 50 }, "scenario 'x' step '1 s'"),
      ),
    ).toBe("scenario 'x' step '1 s': params.durationMs: 50 is out of range; use 100..600000 (ms)");
  });
});

describe("validateScenario: capacity specs", () => {
  function withCapacity(overrides: Record<string, unknown>, quick?: Record<string, unknown>) {
    return {
      ...capacity,
      capacity: { ...capacity.capacity, ...overrides },
      quick: { ...capacity.quick, ...(quick ? { capacity: quick } : {}) },
    };
  }

  it("accepts the registered capacity scenario", () => {
    expect(() => validateScenario(capacity)).not.toThrow();
  });

  const cases: [overrides: Record<string, unknown>, expected: string][] = [
    [{ connections: 0 }, "capacity.connections: 0 is out of range; use 1..1000 (connections)"],
    [
      { connections: 2.5 },
      "capacity.connections: 2.5 is not a whole number; use a whole number in 1..1000 (connections)",
    ],
    [{ saturationMs: 500 }, "capacity.saturationMs: 500 is out of range; use 1000..60000 (ms)"],
    [
      { stepMs: 1500 },
      "capacity.stepMs: 1500 is not a whole number of seconds; autocannon runs in whole seconds, use e.g. 2000",
    ],
    [{ p99BoundMs: "50" }, 'capacity.p99BoundMs: "50" is not a number; use 1..10000 (ms)'],
    [{ stepFractions: [] }, "capacity.stepFractions: must be a non-empty list"],
    [
      { stepFractions: [0.5, 1.5] },
      "capacity.stepFractions[1]: 1.5 is out of range; use a fraction of the saturation rate in (0, 1], e.g. 0.5",
    ],
    [
      { stepFractions: [0.5, 0.25] },
      "capacity.stepFractions[1]: 0.25 is not above the one before (0.5); list fractions in ascending order, each once",
    ],
    [{ intervalsMs: [1000, 1000] }, "capacity.intervalsMs[1]: 1000 is listed twice"],
    [{ intervalsMs: [10] }, "capacity.intervalsMs[0]: 10 is out of range; use 100..3600000 (ms)"],
    [{ rate: 5 }, "capacity.rate: is not a capacity field; known: connections, saturationMs"],
  ];
  it.each(cases)("%j -> names field, value and range", (overrides, expected) => {
    expect(usageErrorOf(() => parseScenario(withCapacity(overrides)))).toContain(
      `scenario 'capacity': ${expected}`,
    );
  });

  it("checks quick overrides and a missing field", () => {
    expect(usageErrorOf(() => parseScenario(withCapacity({}, { stepMs: 0 })))).toBe(
      "scenario 'capacity': quick.capacity.stepMs: 0 is out of range; use 1000..60000 (ms)",
    );
    const { p99BoundMs: _, ...withoutBound } = capacity.capacity ?? ({} as never);
    expect(usageErrorOf(() => parseScenario({ ...capacity, capacity: withoutBound }))).toBe(
      "scenario 'capacity': capacity.p99BoundMs: is missing; give 1..10000 (ms)",
    );
    expect(
      usageErrorOf(() =>
        parseScenario({ ...steady, quick: { ...steady.quick, capacity: { stepMs: 1000 } } }),
      ),
    ).toBe(
      "scenario 'steady': quick.capacity: is given but the scenario has no capacity spec; drop it",
    );
  });

  it("allows only the polling strategies, and requires the list", () => {
    expect(
      usageErrorOf(() => validateScenario({ ...capacity, strategies: ["short-polling", "sse"] })),
    ).toBe(
      "scenario 'capacity': strategies[1]: 'sse' cannot be driven by a capacity run (no request/response route); use short-polling, long-polling",
    );
    const { strategies: _, ...withoutStrategies } = capacity;
    expect(usageErrorOf(() => parseScenario(withoutStrategies))).toContain(
      "strategies: is missing; a capacity scenario drives request/response routes",
    );
  });
});
