/**
 * The rig without processes: against a --target nothing is spawned and nothing connects until
 * the clients start, so what it builds and how it closes can be checked in isolation.
 */
import { describe, expect, it } from "vitest";
import { getScenario } from "../../scenarios/index.ts";
import { resolvePlan } from "../plan/resolve-runs.ts";
import { parseBenchTarget } from "../target/external-target.ts";
import { Rig } from "./rig.ts";

const target = parseBenchTarget({
  target: "http://127.0.0.1:9/api/notifications/{userId}/sse",
  targetStrategy: "sse",
  publishUrl: "http://127.0.0.1:9/api/notifications/{userId}",
});

function planned(scenario: string) {
  const run = resolvePlan([getScenario(scenario)], { quick: true, strategies: ["sse"] }).runs[0];
  if (!run) throw new Error(`no run planned for ${scenario}`);
  return run;
}

const start = (scenario: string) =>
  Rig.start({
    planned: planned(scenario),
    redis: null,
    target,
    keyPrefix: "pvp:test:0:",
    signal: new AbortController().signal,
  });

describe("Rig against --target", () => {
  it("has no servers or Redis of ours, and users of its own", async () => {
    const rig = await start("steady");
    try {
      expect(rig.fleet).toBeNull();
      expect(rig.infoRedisUrl).toBeNull();
      expect(rig.faultRun).toBeNull();
      expect(rig.clients).toHaveLength(rig.planned.params.clients);
      expect(rig.userIds[0]).toBe("pvp-pvptest0-1");
    } finally {
      await rig.close();
    }
  });

  it("builds the fault run of a kind that acts on clients only", async () => {
    const rig = await start("reconnect-storm");
    try {
      expect(rig.faultRun?.kind.kind).toBe("reconnect-storm");
    } finally {
      await rig.close();
    }
  });

  it("closes once, however often it is asked", async () => {
    const rig = await start("steady");
    const first = rig.close();
    expect(rig.close()).toBe(first);
    await expect(first).resolves.toEqual([]);
  });

  it("needs a Redis when it measures our own servers", async () => {
    await expect(
      Rig.start({
        planned: planned("steady"),
        redis: null,
        target: null,
        keyPrefix: "pvp:test:1:",
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow("runOne needs a Redis unless it measures a --target");
  });
});
