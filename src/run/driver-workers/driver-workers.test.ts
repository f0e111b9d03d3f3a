/**
 * `--driver-workers 2`, end to end: real servers on a real Redis, the clients in two real child
 * processes. Nothing lost, nothing duplicated, and every merged figure is exactly the sum of the
 * workers' (the users split between them, each user's ledger in one worker).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getScenario } from "../../../scenarios/index.ts";
import { reasonsBesidesDriverHealth } from "../../../scripts/test-support/driver-health.ts";
import { DEFAULT_CLIENT_BOUNDS } from "../../driver/clients/client-bounds.ts";
import { startServerProcess } from "../../fleet/server-process.ts";
import type { RunResult } from "../../model/results.ts";
import type { StrategyId } from "../../model/strategies.ts";
import { resolvePlan } from "../../plan/resolve-runs.ts";
import { HAS_NGINX } from "../../proxy/nginx-proxy.ts";
import { type RedisHandle, startRedis } from "../../redis/managed-redis.ts";
import { type BenchTarget, parseBenchTarget } from "../../target/external-target.ts";
import { runOne } from "../run-one.ts";
import { DriverWorkers } from "./worker-pool.ts";

let redis: RedisHandle;
beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

let runIndex = 0;

/**
 * One whole run of `scenario`'s quick form for `strategy` (its step `label`, if given), with the
 * clients in `driverWorkers` processes; against `target` when given (then without our Redis).
 */
function quickRun(
  strategy: StrategyId,
  driverWorkers: number,
  options: { scenario?: string; label?: string; target?: BenchTarget } = {},
): Promise<RunResult> {
  const { scenario = "steady", label, target = null } = options;
  const planned = resolvePlan([getScenario(scenario)], {
    quick: true,
    strategies: [strategy],
  }).runs.find((r) => label === undefined || r.step?.label === label);
  if (planned === undefined) throw new Error(`no ${strategy} run of ${scenario} planned`);
  runIndex += 1;
  return runOne({
    planned,
    redis: target === null ? redis : null,
    target,
    keyPrefix: `pvp:dw:${runIndex}:`,
    signal: new AbortController().signal,
    driverWorkers,
    onProgress: () => {},
  });
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

describe("--driver-workers 2 (--quick steady)", () => {
  for (const strategy of ["sse", "long-polling", "short-polling"] as const) {
    it(`${strategy}: lost 0, duplicates 0, merged counts equal the workers' sums`, async () => {
      const result = await quickRun(strategy, 2);
      const workers = result.driver?.workers ?? [];
      expect(workers).toHaveLength(2);
      // every user in exactly one worker
      expect(sum(workers.map((w) => w.clients))).toBe(result.params.clients);
      expect(result.delivery.published).toBeGreaterThan(0);
      expect(result.delivery.lost).toBe(0);
      expect(result.delivery.duplicates).toBe(0);
      expect(result.delivery.delivered).toBe(result.delivery.published);
      for (const w of workers) {
        expect(w.published).toBeGreaterThan(0); // both workers' users were notified
        expect(w.lost).toBe(0);
        expect(w.duplicates).toBe(0);
      }
      expect(sum(workers.map((w) => w.published))).toBe(result.delivery.published);
      expect(sum(workers.map((w) => w.delivered))).toBe(result.delivery.delivered);
      expect(sum(workers.map((w) => w.requests))).toBe(result.http.requests);
      expect(sum(workers.map((w) => w.bytes))).toBe(
        result.http.bytesSent + result.http.bytesReceived,
      );
      // the pooled histogram holds every in-window receipt of both workers
      expect(result.latency.count).toBe(result.delivery.deliveredInWindow);
      expect(result.latency.p50Us).not.toBeNull();
      // driver CPU is the busiest process's, so no more than any one process could spend
      expect(result.driver?.cpuUtilization).toBeGreaterThanOrEqual(
        Math.max(...workers.map((w) => w.cpuUtilization)),
      );
      // the energy sample draws clients from both workers
      expect(result.energy?.sampledClients ?? 0).toBe(result.params.clients);
      // the driver's own health may suffer from the other test files on two cores; nothing else
      expect(reasonsBesidesDriverHealth(result.invalidReasons)).toEqual([]);
    }, 120_000);
  }

  it("a worker that dies mid-run fails the run's next request with a line naming it, and close() still ends", async () => {
    const server = await startServerProcess({
      strategy: "sse",
      redisUrl: redis.url,
      keyPrefix: "pvp:dw:crash:",
    });
    try {
      const planned = resolvePlan([getScenario("steady")], { quick: true, strategies: ["sse"] })
        .runs[0];
      if (planned === undefined) throw new Error("no run planned");
      const pool = await DriverWorkers.start({
        workers: 2,
        strategy: "sse",
        params: planned.params,
        userIds: ["u-1", "u-2", "u-3", "u-4"],
        endpoints: [{ kind: "server", baseUrl: server.url.href }],
        bounds: DEFAULT_CLIENT_BOUNDS,
        transport: null,
      });
      const started = await pool.startClients(0, new AbortController().signal);
      expect(started).toEqual({ connected: 4, allConnected: true });
      const victim = pool.pids[1] ?? -1;
      process.kill(victim, "SIGKILL");
      await expect(async () => {
        // the exit may take a moment to be noticed; every request after it fails
        for (let i = 0; i < 50; i++) {
          await pool.allDelivered();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }).rejects.toThrow(/driver worker 2 (exited|is not running)/);
      await pool.close();
    } finally {
      await server.stop();
    }
  }, 60_000);

  it.skipIf(!HAS_NGINX)(
    "through nginx, TLS and HTTP/2: each worker its own sessions",
    async () => {
      const result = await quickRun("sse", 2, { scenario: "h2-multiplex", label: "HTTP/2" });
      expect(result.driver?.workers).toHaveLength(2);
      expect(result.delivery.published).toBeGreaterThan(0);
      expect(result.delivery.lost).toBe(0);
      expect(result.delivery.duplicates).toBe(0);
      // one session (at least) per worker: sessions are per process
      expect(result.deliveryPath?.h2?.openSessions).toBeGreaterThanOrEqual(2);
      // every stream on a session of its own worker's pool, at most 100 to a session
      expect(result.deliveryPath?.h2?.maxConcurrentStreams).toBeGreaterThan(1);
      expect(result.deliveryPath?.h2?.maxConcurrentStreams).toBeLessThanOrEqual(100);
      expect(reasonsBesidesDriverHealth(result.invalidReasons)).toEqual([]);
    },
    120_000,
  );

  it("against a --target: the workers rebuild its templates and the ledger holds", async () => {
    const server = await startServerProcess({
      strategy: "long-polling",
      redisUrl: redis.url,
      keyPrefix: "pvp:dw:target:",
    });
    try {
      const base = server.url.href.replace(/\/$/, "");
      const target = parseBenchTarget({
        target: `${base}/api/notifications/{userId}/poll?after={cursor}`,
        targetStrategy: "long-polling",
        publishUrl: `${base}/api/notifications/{userId}`,
      });
      const result = await quickRun("long-polling", 2, { target });
      const workers = result.driver?.workers ?? [];
      expect(workers).toHaveLength(2);
      expect(result.delivery.published).toBeGreaterThan(0);
      expect(result.delivery.lost).toBe(0);
      expect(result.delivery.duplicates).toBe(0);
      expect(sum(workers.map((w) => w.delivered))).toBe(result.delivery.delivered);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it("without --driver-workers the clients stay in process (no worker shares)", async () => {
    const result = await quickRun("sse", 0);
    expect(result.driver?.workers).toBeUndefined();
    expect(result.delivery.lost).toBe(0);
  }, 120_000);
});
