/**
 * A real fleet of server processes (scripts/server.ts) on a real Redis, killed with -9 and
 * restarted on the same port: the URL stays, and the window's cost covers both processes.
 */
import { once } from "node:events";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readProcStats } from "../metrics/proc-stats.ts";
import { type RedisHandle, startRedis } from "../redis/managed-redis.ts";
import { type ServerFleet, startServerFleet } from "./server-fleet.ts";

let redis: RedisHandle;
const fleets: ServerFleet[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(fleets.map((f) => f.stop()));
  await redis?.stop();
});

async function startFleet(instances = 1, extraArgs?: string[]): Promise<ServerFleet> {
  const fleet = await startServerFleet({
    strategy: "short-polling",
    instances,
    redisUrl: redis.url,
    keyPrefix: "pvp:test:server-fleet:",
    extraArgs,
  });
  fleets.push(fleet);
  return fleet;
}

/** Keeps `url` busy for `durationMs` so the process burns measurable CPU. */
async function load(url: URL, durationMs: number): Promise<void> {
  const until = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < until) {
      const res = await fetch(new URL("/api/notifications/load-user", url));
      await res.arrayBuffer();
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

async function healthStatus(url: URL): Promise<number> {
  return (await fetch(new URL("/healthz", url))).status;
}

describe("ServerFleet kill and restart", () => {
  it("restarts a killed instance on the same URL; the window holds both processes' CPU", async () => {
    const fleet = await startFleet();
    const killed = fleet.processes[0];
    if (killed === undefined) throw new Error("fleet has no process");

    await fleet.markWindow();
    const atMark = await readProcStats(killed.pid, { countSockets: false });
    await load(killed.url, 300);
    const beforeKill = await readProcStats(killed.pid, { countSockets: false });
    const killedShare = beforeKill.cpuSeconds - atMark.cpuSeconds;
    expect(killedShare).toBeGreaterThan(0);

    await fleet.killInstance(0);
    await expect(fetch(new URL("/healthz", killed.url))).rejects.toThrow();
    // Down, not broken: the fleet still answers for its running instances (none here).
    expect(await fleet.readTotals()).toEqual({ rssBytes: 0, openSockets: 0 });
    expect(await fleet.readGauge("pvp_open_connections", "while down", [])).toEqual([0]);

    const { downMs } = await fleet.restartInstance(0);
    expect(downMs).toBeGreaterThan(0);
    const restarted = fleet.processes[0];
    expect(restarted?.pid).not.toBe(killed.pid);
    expect(restarted?.url.href).toBe(killed.url.href);
    expect(await healthStatus(killed.url)).toBe(200);

    const totals = await fleet.readTotals();
    expect(totals.rssBytes).toBeGreaterThan(0);
    const warnings: string[] = [];
    expect(await fleet.readGauge("pvp_open_connections", "after restart", warnings)).toHaveLength(
      1,
    );
    expect(warnings).toEqual([]);

    // The new process started inside the window: all its CPU so far belongs to it.
    const restartedCpu = (await readProcStats(restarted?.pid ?? -1, { countSockets: false }))
      .cpuSeconds;
    const window = await fleet.stopWindow();
    expect(window.perInstance).toHaveLength(1);
    const instance = window.perInstance[0];
    expect(instance?.cpuSeconds).toBeGreaterThanOrEqual(killedShare + restartedCpu - 1e-9);
    expect(instance?.exited).toBe(true); // a process of this instance ended in the window
    expect(instance?.peakRssBytes).toBeGreaterThan(0);
    expect(window.total.cpuSeconds).toBe(instance?.cpuSeconds);

    expect(await fleet.stop()).toEqual([0]);
  });

  it("stops cleanly with a killed instance, reporting null for it", async () => {
    const fleet = await startFleet(2);
    const [first, second] = fleet.processes;
    await fleet.markWindow();
    await fleet.killInstance(1);
    await expect(fleet.killInstance(1)).rejects.toThrow(/already down.*restartInstance\(1\)/);
    await expect(fleet.restartInstance(0)).rejects.toThrow(/running; killInstance\(0\)/);
    await expect(fleet.killInstance(2)).rejects.toThrow(/instance 2.*instances 0 to 1/);

    // Only the running instance counts now.
    const alive = await readProcStats(first?.pid ?? -1);
    const totals = await fleet.readTotals();
    expect(totals.rssBytes).toBeGreaterThan(0);
    expect(totals.rssBytes).toBeLessThan(alive.rssBytes * 1.5);

    const window = await fleet.stopWindow();
    expect(window.perInstance).toHaveLength(2);
    expect(window.perInstance[1]?.samples).toBeGreaterThan(0); // kept what it measured
    expect(window.perInstance[1]?.exited).toBe(true);
    expect(window.perInstance[0]?.exited).toBe(false);
    expect(fleet.processes[1]).toBe(second);
    expect(await fleet.stop()).toEqual([0, null]);
    expect(await fleet.stop()).toEqual([0, null]); // idempotent
  });

  it("keeps trying the killed instance's port while something else holds it", async () => {
    const fleet = await startFleet();
    const killed = fleet.processes[0];
    await fleet.killInstance(0);
    const squatter = createServer();
    squatter.listen(Number(killed?.url.port), "127.0.0.1");
    await once(squatter, "listening");
    const restart = fleet.restartInstance(0);
    await expect(fleet.restartInstance(0)).rejects.toThrow(/already being restarted/);
    // Longer than a server takes to reach listen(), so at least one attempt finds it taken.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    squatter.close();
    const { downMs } = await restart;
    expect(downMs).toBeGreaterThanOrEqual(1500);
    expect(fleet.processes[0]?.url.href).toBe(killed?.url.href);
    expect(await healthStatus(fleet.processes[0]?.url ?? new URL("http://127.0.0.1:1"))).toBe(200);
  });

  it("passes extraArgs to every process", async () => {
    await expect(startFleet(1, ["--no-such-flag"])).rejects.toThrow(/no-such-flag/);
  });
});
