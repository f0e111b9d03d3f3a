import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  diffRedisInfo,
  parseInfoText,
  type RedisInfo,
  readRedisInfo,
  redisInfoFromText,
} from "./redis-info.ts";
import { freePort, type RunningRedis, spawnRedisServer } from "./test-support/processes.ts";

const SAMPLE_INFO = [
  "# Server",
  "redis_version:7.0.15",
  "executable:/usr/bin/redis-server",
  "config_file:",
  "",
  "# Clients",
  "connected_clients:3",
  "",
  "# Memory",
  "used_memory:1048576",
  "",
  "# Stats",
  "total_commands_processed:42",
  "",
  "# CPU",
  "used_cpu_sys:0.123456",
  "used_cpu_user:1.500000",
  "",
].join("\r\n");

function info(overrides: Partial<RedisInfo>): RedisInfo {
  return {
    totalCommandsProcessed: 100,
    usedCpuSys: 1,
    usedCpuUser: 2,
    usedMemoryBytes: 1000,
    connectedClients: 1,
    redisVersion: "7.0.15",
    ...overrides,
  };
}

describe("INFO parsing", () => {
  it("flattens sections and keeps ':' inside values", () => {
    const fields = parseInfoText(SAMPLE_INFO);
    expect(fields.get("executable")).toBe("/usr/bin/redis-server");
    expect(fields.get("config_file")).toBe("");
    expect(fields.has("# Server")).toBe(false);
  });

  it("picks the cost fields", () => {
    expect(redisInfoFromText(SAMPLE_INFO)).toEqual({
      totalCommandsProcessed: 42,
      usedCpuSys: 0.123456,
      usedCpuUser: 1.5,
      usedMemoryBytes: 1048576,
      connectedClients: 3,
      redisVersion: "7.0.15",
    });
  });

  it("names a missing field", () => {
    expect(() => redisInfoFromText("redis_version:7\r\n")).toThrow(/total_commands_processed/);
  });
});

describe("diffRedisInfo", () => {
  it("takes deltas of commands and CPU, and memory and clients from after", () => {
    const cost = diffRedisInfo(
      info({}),
      info({
        totalCommandsProcessed: 350,
        usedCpuSys: 1.1,
        usedCpuUser: 2.2,
        usedMemoryBytes: 5000,
        connectedClients: 4,
      }),
    );
    expect(cost).toEqual({
      commands: 250,
      cpuSeconds: 0.3,
      usedMemoryBytes: 5000,
      connectedClients: 4,
    });
  });

  it("refuses counters that went backwards", () => {
    expect(() => diffRedisInfo(info({}), info({ totalCommandsProcessed: 5 }))).toThrow(/restarted/);
  });
});

describe("readRedisInfo against a real redis-server", () => {
  let redis: RunningRedis;
  beforeAll(async () => {
    redis = await spawnRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("counts at least the commands run between two readings", async () => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    try {
      await client.ping();
      const before = await readRedisInfo(redis.url);
      const commands = 200;
      const pipeline = client.pipeline();
      for (let i = 0; i < commands; i++) pipeline.set(`k${i}`, "x".repeat(100));
      await pipeline.exec();
      const after = await readRedisInfo(redis.url);
      const cost = diffRedisInfo(before, after);

      expect(after.redisVersion).toMatch(/^\d+\.\d+/);
      expect(cost.commands).toBeGreaterThanOrEqual(commands);
      // The measuring connections add a handful of commands, not hundreds.
      expect(cost.commands).toBeLessThan(commands + 10);
      expect(cost.cpuSeconds).toBeGreaterThanOrEqual(0);
      expect(cost.usedMemoryBytes).toBeGreaterThan(before.usedMemoryBytes);
      // Our long-lived client plus the reading connection itself.
      expect(cost.connectedClients).toBeGreaterThanOrEqual(2);

      // An existing client works too and is left open.
      const viaClient = await readRedisInfo(client);
      expect(viaClient.totalCommandsProcessed).toBeGreaterThan(after.totalCommandsProcessed);
      expect(client.status).toBe("ready");
    } finally {
      await client.quit();
    }
  });

  it("closes its connection after reading", async () => {
    await readRedisInfo(redis.url);
    const { connectedClients } = await readRedisInfo(redis.url);
    // Only the current reading's connection: the previous one was closed.
    expect(connectedClients).toBe(1);
  });

  it("fails fast with the URL when nothing listens", async () => {
    const port = await freePort();
    const started = performance.now();
    await expect(readRedisInfo(`redis://:secret@127.0.0.1:${port}`)).rejects.toThrow(
      new RegExp(`reading Redis INFO from redis://:\\*\\*\\*@127.0.0.1:${port}.* failed`),
    );
    // No reconnect loop: well under the 2 s connect timeout.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
