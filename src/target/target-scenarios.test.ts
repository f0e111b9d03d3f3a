import { describe, expect, it } from "vitest";
import { getScenario, SCENARIOS } from "../../scenarios/index.ts";
import { FAULT_KIND_FACTS, FAULT_KINDS, type FaultKind } from "../model/fault-kinds.ts";
import type { Scenario } from "../model/scenario.ts";
import { targetScenarioIds, whyNotForTarget } from "./target-scenarios.ts";

const needsOwnServers = (kind: FaultKind): boolean =>
  FAULT_KIND_FACTS[kind].needsOwnServers !== null;

const steady = getScenario("steady");

function withFault(kind: FaultKind): Scenario {
  return { ...steady, id: `x-${kind}`, fault: { kind, atMs: 1_000, durationMs: 0 } };
}

describe("whyNotForTarget", () => {
  it("allows plain workloads", () => {
    expect(whyNotForTarget(steady)).toBeNull();
    expect(whyNotForTarget(getScenario("idle"))).toBeNull();
    expect(whyNotForTarget(getScenario("ramp"))).toBeNull();
  });

  it("refuses capacity (autocannon on our routes) and more than one instance", () => {
    expect(whyNotForTarget(getScenario("capacity"))).toBe(
      "it drives our own servers' routes with autocannon",
    );
    expect(whyNotForTarget(getScenario("two-instances"))).toBe(
      "it starts 2 of our server processes",
    );
  });

  it("looks at sweep steps and the quick form too", () => {
    const sweep: Scenario = {
      ...steady,
      sweep: {
        parameter: "instances",
        axisTitle: "instances",
        steps: [
          { label: "1", value: 1, overrides: { instances: 1 } },
          { label: "3", value: 3, overrides: { instances: 3 } },
        ],
      },
    };
    expect(whyNotForTarget(sweep)).toBe("it starts 3 of our server processes");
    const quick: Scenario = { ...steady, quick: { params: { instances: 2 } } };
    expect(whyNotForTarget(quick)).toBe("it starts 2 of our server processes");
  });

  it("decides faults by kind: those acting on our processes or Redis are refused", () => {
    for (const kind of FAULT_KINDS) {
      const reason = whyNotForTarget(withFault(kind));
      if (needsOwnServers(kind)) expect(reason, kind).toMatch(/^it (kills|stops|trims)/);
      else expect(reason, kind).toBeNull();
    }
    expect(FAULT_KINDS.filter(needsOwnServers).sort()).toEqual([
      "history-trimmed",
      "instance-failover",
      "redis-blip",
      "server-restart",
    ]);
  });

  it("names what the fault does to our servers or Redis", () => {
    expect(Object.fromEntries(FAULT_KINDS.map((k) => [k, whyNotForTarget(withFault(k))]))).toEqual({
      "server-restart": "it kills and restarts our server process",
      "instance-failover": "it kills one of our server instances",
      "redis-blip": "it stops our Redis",
      "reconnect-storm": null,
      "slow-consumer": null,
      "history-trimmed": "it trims our Redis history",
    });
  });

  it("every registered scenario is judged by those rules", () => {
    const allowed = targetScenarioIds(SCENARIOS);
    for (const scenario of SCENARIOS) {
      const ownFault = scenario.fault !== undefined && needsOwnServers(scenario.fault.kind);
      const needsOwn =
        ownFault ||
        scenario.capacity !== undefined ||
        scenario.params.instances > 1 ||
        scenario.delivery !== undefined; // the bench's nginx in front of our servers
      expect(allowed.includes(scenario.id), scenario.id).toBe(!needsOwn);
    }
    expect(allowed).toContain("steady");
    expect(allowed).not.toContain("proxy-buffering");
  });
});
