/**
 * Header cursors (`--target-cursor headers`) against the real thing: nchan's longpoll and
 * intervalpoll resume by Last-Modified / ETag, one message per answer, 304 for nothing new.
 * Full runs of the driver (runOne) against nginx + nchan; skipped where it is not installed.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getScenario } from "../../scenarios/index.ts";
import type { StrategyId } from "../model/strategies.ts";
import { resolvePlan } from "../plan/resolve-runs.ts";
import { runOne } from "../run/run-one.ts";
import { parseBenchTarget } from "./external-target.ts";
import { findNchanModule, nchanUrls } from "./nchan-config.ts";
import { type RunningNchan, startNchan } from "./nchan-server.ts";

const available = findNchanModule() !== null && spawnSync("nginx", ["-v"]).status === 0;
if (!available)
  console.log("skipping header-cursor runs against nchan: nginx + nchan not installed");

describe.skipIf(!available)("header cursors against nchan", () => {
  let nchan: RunningNchan;
  beforeAll(async () => {
    nchan = await startNchan();
  });
  afterAll(async () => {
    await nchan?.stop();
  });

  const run = async (strategy: StrategyId, route: "longPolling" | "shortPolling", key: string) => {
    const urls = nchanUrls(nchan.port);
    const target = {
      ...parseBenchTarget({
        target: urls[route],
        targetStrategy: strategy,
        publishUrl: urls.publish,
        targetCursor: "headers",
      }),
      pids: nchan.pids,
    };
    const planned = resolvePlan([getScenario("steady")], { quick: true, strategies: [strategy] })
      .runs[0];
    if (planned === undefined) throw new Error("no run planned");
    // one notification per user every 2 s at most, polled every 100 ms: one message per answer keeps up
    planned.params = {
      ...planned.params,
      ratePerSec: 0.5,
      shortPollIntervalMs: 100,
      drainMs: 2_000,
    };
    return runOne({
      planned,
      redis: null,
      target,
      keyPrefix: `pvp:nchan:${key}:`,
      signal: new AbortController().signal,
      onProgress: () => {},
    });
  };

  /** Something delivered, every notification once and in order, no failed request. */
  const expectEveryOnce = (result: Awaited<ReturnType<typeof run>>) => {
    expect(result.delivery.delivered).toBeGreaterThan(0);
    expect(result.delivery.lost).toBe(0);
    expect(result.delivery.duplicates).toBe(0);
    expect(result.delivery.reordered).toBe(0);
    expect(result.http.errors).toBe(0);
  };

  it("long polling: every notification once, in order, with nchan's own CPU sampled", async () => {
    const result = await run("long-polling", "longPolling", "lp");
    expectEveryOnce(result);
    // nchan's own processes, sampled (its CPU can round to 0 ticks in a short idle window)
    expect(result.server?.peakRssBytes).toBeGreaterThan(0);
    expect(result.server?.instances).toHaveLength(nchan.pids.length);
  }, 120_000);

  it("interval polling: 304s count as empty answers, not errors, and nothing is lost", async () => {
    const result = await run("short-polling", "shortPolling", "ip");
    expectEveryOnce(result);
    expect(result.http.emptyResponses).toBeGreaterThan(0);
  }, 120_000);

  it("refuses header cursors where they cannot apply, naming the fix", () => {
    const urls = nchanUrls(nchan.port);
    expect(() =>
      parseBenchTarget({
        target: urls.sse,
        targetStrategy: "sse",
        publishUrl: urls.publish,
        targetCursor: "headers",
      }),
    ).toThrow(/--target-cursor headers applies to polling targets only/);
    expect(() =>
      parseBenchTarget({
        target: `${urls.longPolling}?c={cursor}`,
        targetStrategy: "long-polling",
        publishUrl: urls.publish,
        targetCursor: "headers",
      }),
    ).toThrow(/may not contain \{cursor\} with --target-cursor headers/);
    expect(() =>
      parseBenchTarget({
        target: urls.longPolling,
        targetStrategy: "long-polling",
        publishUrl: urls.publish,
        targetCursor: "etag",
      }),
    ).toThrow(/--target-cursor 'etag' is unknown; use url .* or headers/);
  });
});
