import { afterAll, describe, expect, it } from "vitest";
import { pingRedis, type RedisHandle, startRedis } from "./managed-redis.ts";

const external = Boolean(process.env.REDIS_URL);
const handles: RedisHandle[] = [];
afterAll(async () => {
  await Promise.all(handles.map((h) => h.stop()));
});

describe("startRedis", () => {
  it.skipIf(external)(
    "spawns a private redis-server that can stop and restart on its port",
    async () => {
      const redis = await startRedis();
      handles.push(redis);
      expect(redis.managed).toBe(true);
      expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      expect(redis.version).toMatch(/^\d+\.\d+/);
      await redis.stop();
      await expect(pingRedis(redis.url, 300)).rejects.toThrow();
      await redis.restart?.();
      expect(await pingRedis(redis.url, 1000)).toBe(redis.version);
      await redis.stop();
      await redis.stop(); // idempotent
    },
  );

  it("uses an explicit URL when it answers, and names the fix when it does not", async () => {
    const spawned = await startRedis({ redisUrl: process.env.REDIS_URL });
    handles.push(spawned);
    const reused = await startRedis({ redisUrl: spawned.url });
    expect(reused.managed).toBe(false);
    expect(reused.url).toBe(spawned.url);
    await reused.stop(); // never stops a Redis it did not start
    expect(await pingRedis(spawned.url, 1000)).toBe(spawned.version);
    await expect(startRedis({ redisUrl: "redis://127.0.0.1:1" })).rejects.toThrow(/REDIS_URL/);
  });

  it.skipIf(external)("explains both fixes when redis-server is not installed", async () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      await expect(startRedis()).rejects.toThrow(/npm run setup.*REDIS_URL/);
    } finally {
      process.env.PATH = path;
    }
  });
});
