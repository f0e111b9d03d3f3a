import { describe, expect, it } from "vitest";
import { FAULT_PARAMS } from "../../scenarios/fault-defaults.ts";
import { FAULT_SCENARIO_IDS, getScenario } from "../../scenarios/index.ts";
import { FAULT_KINDS } from "../model/fault-kinds.ts";
import type { FaultSpec } from "../model/scenario.ts";
import { UsageError } from "../util/usage-error.ts";
import { resolvePlan } from "./resolve-runs.ts";
import { validateFault } from "./validate-fault.ts";

const where = "scenario 'x'";

function expectUsage(spec: FaultSpec, pattern: RegExp, params = FAULT_PARAMS): void {
  let error: unknown;
  try {
    validateFault(spec, params, where);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message.startsWith(where)).toBe(true);
}

describe("fault scenarios", () => {
  it("one scenario per fault kind, opt-in, each with a quick form", () => {
    expect([...FAULT_SCENARIO_IDS].sort()).toEqual([...FAULT_KINDS].sort());
    for (const id of FAULT_SCENARIO_IDS) {
      const scenario = getScenario(id);
      expect(scenario.fault?.kind).toBe(id);
      expect(scenario.defaultSuite).toBe(false);
    }
  });

  it("resolve with quick overrides applied and validated", () => {
    const plan = resolvePlan(
      FAULT_SCENARIO_IDS.map((id) => getScenario(id)),
      { quick: true, strategies: ["short-polling", "long-polling", "sse"] },
    );
    const blip = plan.runs.find((r) => r.scenario === "redis-blip");
    expect(blip?.fault).toMatchObject({ kind: "redis-blip", durationMs: 2_000, atMs: 1_500 });
    // slow-consumer is SSE-only: 6 faults x 3 strategies - 2.
    expect(plan.runs).toHaveLength(16);
  });

  it("refuses CLI overrides that break a fault, naming the fix", () => {
    const failover = getScenario("instance-failover");
    expect(() =>
      resolvePlan([failover], { quick: true, strategies: ["sse"], instances: 1 }),
    ).toThrow(/instance-failover needs at least 2 instances.*--instances/);
    expect(() =>
      resolvePlan([getScenario("redis-blip")], {
        quick: false,
        strategies: ["sse"],
        durationMs: 5_000,
      }),
    ).toThrow(/must end at least 1000 ms before the window ends/);
  });
});

describe("validateFault", () => {
  const base: FaultSpec = { kind: "reconnect-storm", atMs: 5_000, durationMs: 1_000 };

  it("accepts the shipped specs", () => {
    expect(() => validateFault(base, FAULT_PARAMS, where)).not.toThrow();
  });

  it("names the bad field", () => {
    expectUsage(
      { ...base, kind: "meteor" as FaultSpec["kind"] },
      /fault.kind: "meteor" is unknown/,
    );
    expectUsage({ ...base, atMs: 10 }, /fault.atMs: 10 must be a whole number >= 1000/);
    expectUsage({ ...base, durationMs: -1 }, /fault.durationMs: -1/);
    expectUsage(
      { ...base, kind: "server-restart" },
      /durationMs: 1000 must be 0 for server-restart/,
    );
    expectUsage({ ...base, durationMs: 0 }, /durationMs: 0 must be > 0 for reconnect-storm/);
    expectUsage({ ...base, atMs: 19_000 }, /must end at least 1000 ms before the window ends/);
    expectUsage({ ...base, clientShare: 0.5 }, /clientShare: applies only to/);
    expectUsage(
      { kind: "slow-consumer", atMs: 5_000, durationMs: 1_000, clientShare: 0.1 },
      /slowReadBytesPerSec: is missing; slow-consumer needs a whole number >= 1/,
    );
    expectUsage(
      { kind: "history-trimmed", atMs: 5_000, durationMs: 1_000, clientShare: 2, keepHistory: 1 },
      /clientShare: 2 must be a number in \(0, 1\]/,
    );
    expectUsage(
      {
        kind: "history-trimmed",
        atMs: 5_000,
        durationMs: 1_000,
        clientShare: 0.0009,
        keepHistory: 1,
      },
      /targets nobody/,
    );
    expectUsage({ kind: "instance-failover", atMs: 5_000, durationMs: 0 }, /at least 2 instances/);
  });

  it("names the kinds a kind-specific field belongs to", () => {
    expectUsage(
      { ...base, clientShare: 0.5 },
      /clientShare: applies only to slow-consumer and history-trimmed$/,
    );
    expectUsage(
      { ...base, slowReadBytesPerSec: 10 },
      /slowReadBytesPerSec: applies only to slow-consumer$/,
    );
    expectUsage({ ...base, keepHistory: 1 }, /keepHistory: applies only to history-trimmed$/);
    expectUsage(
      {
        kind: "history-trimmed",
        atMs: 5_000,
        durationMs: 1_000,
        clientShare: 0.5,
        keepHistory: -1,
      },
      /fault.keepHistory: -1 must be a whole number >= 0/,
    );
    expectUsage(
      { ...base, historyMaxLen: 0 },
      /fault.historyMaxLen: 0 must be a whole number >= 1/,
    );
    expectUsage(
      { ...base, serverArgs: [1] as unknown as string[] },
      /fault.serverArgs(\[0\])?: must be a list of strings/,
    );
  });

  it("gives the whole message, prefixed with where", () => {
    expectUsage(
      { kind: "instance-failover", atMs: 5_000, durationMs: 0 },
      /^scenario 'x': fault: instance-failover needs at least 2 instances \(got 1\); drop --instances or give 2 or more$/,
    );
    expectUsage(
      { kind: "slow-consumer", atMs: 5_000, durationMs: 1_000, clientShare: 0.1 },
      /^scenario 'x': fault.slowReadBytesPerSec: is missing; slow-consumer needs a whole number >= 1$/,
    );
    expectUsage(
      { kind: "server-restart", atMs: 5_000, durationMs: 5 },
      /^scenario 'x': fault.durationMs: 5 must be 0 for server-restart \(the fault ends when the process is gone\)$/,
    );
  });
});
