/**
 * The self-benchmark's parts work (real processes, real sockets); how fast they are is what
 * `npm run bench:self` reports and is never asserted here.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startServerProcess } from "../../fleet/server-process.ts";
import { startRedis } from "../../redis/managed-redis.ts";
import { measureBareHttpLoop } from "./bare-http-loop.ts";
import { startChildServer } from "./child-server.ts";
import { measureAutocannon, measureDriverThroughput } from "./driver-throughput.ts";
import { runRawProbe } from "./raw-probe.ts";

const FIXED_SERVER = fileURLToPath(new URL("./fixed-answer-server.ts", import.meta.url));

/** A short window of a few clients: the parts work, nothing is measured. */
const SMALL_LOAD = { clients: 50, intervalMs: 100, warmupMs: 200, durationMs: 1_000 } as const;

/**
 * The most polls per second SMALL_LOAD can make whatever the machine's speed: each client
 * pauses at least 0.9 x the interval after every answer (the 10 % jitter), so in the window it
 * polls at most window / (0.9 x interval) times, plus one in flight at the window's start.
 * A client that polled twice per pause (a doubled timer) would pass this by about 2x.
 */
const MAX_POLLS_PER_SEC =
  SMALL_LOAD.clients * (1000 / (0.9 * SMALL_LOAD.intervalMs) + 1000 / SMALL_LOAD.durationMs);

/** Runs `body` against a fresh fixed-answer endpoint in its own process, then stops it. */
async function withFixedEndpoint(body: (port: number, signal: AbortSignal) => Promise<void>) {
  const fixed = await startChildServer(FIXED_SERVER);
  try {
    await body(fixed.port, new AbortController().signal);
  } finally {
    await fixed.stop();
  }
}

describe("self-benchmark parts", () => {
  it(
    "drives short polls and autocannon against the fixed endpoint without errors",
    () =>
      withFixedEndpoint(async (port, signal) => {
        const driver = await measureDriverThroughput({ port, ...SMALL_LOAD, signal });
        expect(driver.errors).toBe(0);
        expect(driver.requestsPerSec).toBeGreaterThan(0);
        expect(driver.requestsPerSec).toBeLessThanOrEqual(MAX_POLLS_PER_SEC);
        expect(driver.offeredRequestsPerSec).toBe(500);
        const cannon = await measureAutocannon({ port, connections: 4, durationSec: 1, signal });
        expect(cannon.errors).toBe(0);
        expect(cannon.requestsPerSec).toBeGreaterThan(0);
      }),
    60_000,
  );

  it(
    "runs the bare node:http reference loop against the fixed endpoint without errors",
    () =>
      withFixedEndpoint(async (port, signal) => {
        const bare = await measureBareHttpLoop({ port, ...SMALL_LOAD, signal });
        expect(bare.errors).toBe(0);
        expect(bare.requestsPerSec).toBeGreaterThan(0);
        expect(bare.requestsPerSec).toBeLessThanOrEqual(MAX_POLLS_PER_SEC);
        expect(bare.cpuUsPerRequest).toBeGreaterThan(0);
      }),
    60_000,
  );

  it(
    "drives the same clients from two driver workers, counted through the bench's own merge",
    () =>
      withFixedEndpoint(async (port, signal) => {
        const driver = await measureDriverThroughput({
          port,
          ...SMALL_LOAD,
          driverWorkers: 2,
          signal,
        });
        expect(driver.driverWorkers).toBe(2);
        expect(driver.errors).toBe(0);
        expect(driver.requestsPerSec).toBeGreaterThan(0);
        expect(driver.requestsPerSec).toBeLessThanOrEqual(MAX_POLLS_PER_SEC);
        expect(driver.driverCpuUtilization).toBeGreaterThan(0);
      }),
    60_000,
  );

  it("the raw probe receives every measured publish from our SSE server, each once", async () => {
    const redis = await startRedis();
    const server = await startServerProcess({
      strategy: "sse",
      redisUrl: redis.url,
      keyPrefix: "probe:",
    });
    try {
      const result = await runRawProbe(
        {
          sseUrl: (u) => new URL(`/api/notifications/${u}/sse`, server.url),
          publishUrl: (u) => new URL(`/api/notifications/${u}`, server.url),
        },
        {
          streams: 10,
          intervalMs: 20,
          durationMs: 600,
          warmupMs: 200,
          signal: new AbortController().signal,
        },
      );
      expect(result.sent).toBeGreaterThan(0);
      // one publish per 20 ms tick on a fixed schedule: at most the 600 ms window's 30 ticks,
      // plus one at its edge, however late the timer ran (a late tick catches up, never adds)
      expect(result.sent).toBeLessThanOrEqual(600 / 20 + 1);
      expect(result.received).toBe(result.sent);
      expect(result.p50Us).not.toBeNull();
    } finally {
      await server.stop();
      await redis.stop();
    }
  }, 60_000);
});
