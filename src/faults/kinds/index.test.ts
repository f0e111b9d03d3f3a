import { describe, expect, it } from "vitest";
import { FAULT_KIND_FACTS, FAULT_KINDS } from "../../model/fault-kinds.ts";
import type { FaultSpec } from "../../model/scenario.ts";
import { targetedClientIndexes } from "./fault-kind-module.ts";
import { FAULT_KIND_MODULES } from "./index.ts";

const spec = (kind: FaultSpec["kind"], extra: Partial<FaultSpec> = {}): FaultSpec => ({
  kind,
  atMs: 5_000,
  durationMs: 1_000,
  ...extra,
});

describe("FAULT_KIND_MODULES", () => {
  it("holds one module per kind, under its own id", () => {
    expect(Object.keys(FAULT_KIND_MODULES).sort()).toEqual([...FAULT_KINDS].sort());
    for (const kind of FAULT_KINDS) expect(FAULT_KIND_MODULES[kind].kind).toBe(kind);
  });

  it("says per kind what the run reads or forgives", () => {
    const flags = Object.fromEntries(
      FAULT_KINDS.map((kind) => {
        const m = FAULT_KIND_MODULES[kind];
        return [kind, [m.expectsPublishFailures, m.restartsRedis, m.readsServerCuts]];
      }),
    );
    expect(flags).toEqual({
      "server-restart": [false, false, false],
      "instance-failover": [false, false, false],
      "redis-blip": [true, true, false],
      "reconnect-storm": [false, false, false],
      "slow-consumer": [false, false, true],
      "history-trimmed": [false, false, false],
    });
  });

  it("targets every client for server-wide kinds and a share where the kind reads clientShare", () => {
    const run = { clients: 10, instances: 1 };
    for (const kind of FAULT_KINDS) {
      const shared = FAULT_KIND_FACTS[kind].fields.clientShare !== undefined;
      if (kind === "instance-failover") continue;
      const targeted = FAULT_KIND_MODULES[kind].targetClients(
        spec(kind, shared ? { clientShare: 0.2 } : {}),
        run,
      );
      expect(targeted, kind).toEqual(shared ? [0, 5] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
  });

  it("instance-failover targets the clients that started on the last instance", () => {
    const targeted = FAULT_KIND_MODULES["instance-failover"].targetClients(
      spec("instance-failover", { durationMs: 0 }),
      { clients: 7, instances: 3 },
    );
    expect(targeted).toEqual([2, 5]);
  });

  it("a share is evenly spread and deterministic", () => {
    expect(targetedClientIndexes(10, 0.2)).toEqual([0, 5]);
    expect(targetedClientIndexes(4, undefined)).toEqual([0, 1, 2, 3]);
    expect(targetedClientIndexes(3, 0.01)).toEqual([0]);
  });

  it("kinds that need our servers refuse to inject without them, naming the fix", async () => {
    const targets = {
      fleet: null,
      redis: null,
      source: null,
      clients: [],
      targeted: [],
      signal: new AbortController().signal,
    };
    await expect(
      FAULT_KIND_MODULES["server-restart"].inject(spec("server-restart"), targets),
    ).rejects.toThrow(/server-restart needs server processes the bench owns/);
    await expect(
      FAULT_KIND_MODULES["redis-blip"].inject(spec("redis-blip"), targets),
    ).rejects.toThrow(/unset REDIS_URL/);
    await expect(
      FAULT_KIND_MODULES["history-trimmed"].inject(spec("history-trimmed"), targets),
    ).rejects.toThrow(/cannot run with --target/);
  });
});
