/**
 * `PVP_PUBLISHER=thread`, end to end: a whole quick run of ours with the publisher on its own
 * thread delivers what it published, once each, and says so in the run's publisher figures; a
 * bad value is refused with a line naming the variable and what it takes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getScenario } from "../../scenarios/index.ts";
import type { RunResult } from "../model/results.ts";
import type { StrategyId } from "../model/strategies.ts";
import { resolvePlan } from "../plan/resolve-runs.ts";
import { type RedisHandle, startRedis } from "../redis/managed-redis.ts";
import { runOne } from "./run-one.ts";

let redis: RedisHandle;
beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});
const saved = process.env.PVP_PUBLISHER;
afterEach(() => {
  if (saved === undefined) delete process.env.PVP_PUBLISHER;
  else process.env.PVP_PUBLISHER = saved;
});

let runIndex = 0;
function quickRun(strategy: StrategyId, scenario = "steady"): Promise<RunResult> {
  const planned = resolvePlan([getScenario(scenario)], { quick: true, strategies: [strategy] })
    .runs[0];
  if (planned === undefined) throw new Error(`no ${strategy} run of ${scenario} planned`);
  runIndex += 1;
  return runOne({
    planned,
    redis,
    target: null,
    keyPrefix: `pvp:pt:${runIndex}:`,
    signal: new AbortController().signal,
    onProgress: () => {},
  });
}

describe("the publisher on its own thread (PVP_PUBLISHER=thread)", () => {
  for (const [strategy, scenario] of [
    ["sse", "steady"],
    ["long-polling", "burst"],
  ] as const) {
    it(`${scenario} ${strategy}: everything published arrives once, and the lag is measured`, async () => {
      process.env.PVP_PUBLISHER = "thread";
      const result = await quickRun(strategy, scenario);
      expect(result.delivery.published).toBeGreaterThan(0);
      expect(result.delivery.delivered).toBe(result.delivery.published);
      expect(result.delivery.lost).toBe(0);
      expect(result.delivery.duplicates).toBe(0);
      expect(result.publisher?.events).toBeGreaterThan(0);
      expect(result.publisher?.issueLagP50Us).toBeGreaterThan(0);
      expect(result.latency.count).toBeGreaterThan(0);
    });
  }

  it("a value it does not know is refused, naming the two it takes", async () => {
    process.env.PVP_PUBLISHER = "worker";
    await expect(quickRun("sse")).rejects.toThrow(
      'PVP_PUBLISHER must be "inline" (the default) or "thread", got "worker"',
    );
  });
});
