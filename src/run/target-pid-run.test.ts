/**
 * `--target-pid`: a --target run that names the server's process gets that server's cost
 * measured by the same sampler as our own servers. The "external" server here is our own SSE
 * server started by hand (a real process on a real Redis), measured only through its URLs and
 * its pid, as a foreign one would be.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getScenario } from "../../scenarios/index.ts";
import { type ServerProcess, startServerProcess } from "../fleet/server-process.ts";
import { resolvePlan } from "../plan/resolve-runs.ts";
import { type RedisHandle, startRedis } from "../redis/managed-redis.ts";
import { parseBenchTarget } from "../target/external-target.ts";
import { runOne } from "./run-one.ts";

let redis: RedisHandle;
let server: ServerProcess;
beforeAll(async () => {
  redis = await startRedis();
  server = await startServerProcess({ strategy: "sse", redisUrl: redis.url, keyPrefix: "tpid:" });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await redis?.stop();
});

function targetRun(pids: number[]) {
  const base = server.url.toString().replace(/\/$/, "");
  const target = {
    ...parseBenchTarget({
      target: `${base}/api/notifications/{userId}/sse`,
      targetStrategy: "sse",
      publishUrl: `${base}/api/notifications/{userId}`,
    }),
    pids,
  };
  const planned = resolvePlan([getScenario("steady")], { quick: true, strategies: ["sse"] })
    .runs[0];
  if (planned === undefined) throw new Error("no run planned");
  return runOne({
    planned,
    redis: null,
    target,
    keyPrefix: `pvp:tpid:${pids.length}:`,
    signal: new AbortController().signal,
    onProgress: () => {},
  });
}

describe("--target-pid", () => {
  it("measures the named process's CPU, memory and connections, and loses nothing", async () => {
    const result = await targetRun([server.pid]);
    expect(result.delivery.lost).toBe(0);
    expect(result.delivery.duplicates).toBe(0);
    expect(result.server).not.toBeNull();
    expect(result.server?.cpuSeconds).toBeGreaterThan(0);
    expect(result.server?.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(result.server?.instances).toHaveLength(1);
    // connections: the driver's count of its connected clients, not the target's own sockets
    expect(result.server?.openConnections).toBe(result.params.clients);
    expect(result.server?.rssPerConnectionBytes).not.toBeNull();
    expect(result.redis).toBeNull(); // the target's store is not ours to read
  }, 120_000);

  it("without pids, a target's cost stays unmeasured", async () => {
    const result = await targetRun([]);
    expect(result.server).toBeNull();
    expect(result.delivery.lost).toBe(0);
  }, 120_000);
});
