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

describe("self-benchmark parts", () => {
  it("drives short polls and autocannon against the fixed endpoint without errors", async () => {
    const fixed = await startChildServer(FIXED_SERVER);
    try {
      const signal = new AbortController().signal;
      const driver = await measureDriverThroughput({
        port: fixed.port,
        clients: 50,
        intervalMs: 100,
        warmupMs: 200,
        durationMs: 1_000,
        signal,
      });
      expect(driver.errors).toBe(0);
      expect(driver.requestsPerSec).toBeGreaterThan(0);
      expect(driver.offeredRequestsPerSec).toBe(500);
      const cannon = await measureAutocannon({
        port: fixed.port,
        connections: 4,
        durationSec: 1,
        signal,
      });
      expect(cannon.errors).toBe(0);
      expect(cannon.requestsPerSec).toBeGreaterThan(0);
    } finally {
      await fixed.stop();
    }
  }, 60_000);

  it("runs the bare node:http reference loop against the fixed endpoint without errors", async () => {
    const fixed = await startChildServer(FIXED_SERVER);
    try {
      const bare = await measureBareHttpLoop({
        port: fixed.port,
        clients: 50,
        intervalMs: 100,
        warmupMs: 200,
        durationMs: 1_000,
        signal: new AbortController().signal,
      });
      expect(bare.errors).toBe(0);
      expect(bare.requestsPerSec).toBeGreaterThan(0);
      expect(bare.cpuUsPerRequest).toBeGreaterThan(0);
    } finally {
      await fixed.stop();
    }
  }, 60_000);

  it("drives the same clients from two driver workers, counted through the bench's own merge", async () => {
    const fixed = await startChildServer(FIXED_SERVER);
    try {
      const driver = await measureDriverThroughput({
        port: fixed.port,
        clients: 50,
        driverWorkers: 2,
        intervalMs: 100,
        warmupMs: 200,
        durationMs: 1_000,
        signal: new AbortController().signal,
      });
      expect(driver.driverWorkers).toBe(2);
      expect(driver.errors).toBe(0);
      expect(driver.requestsPerSec).toBeGreaterThan(0);
      expect(driver.driverCpuUtilization).toBeGreaterThan(0);
    } finally {
      await fixed.stop();
    }
  }, 60_000);

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
      expect(result.received).toBe(result.sent);
      expect(result.p50Us).not.toBeNull();
    } finally {
      await server.stop();
      await redis.stop();
    }
  }, 60_000);
});
