import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisClient, waitUntilReady } from "./client-options.ts";
import { pingRedis, type RedisHandle, startRedis } from "./managed-redis.ts";

const execFileAsync = promisify(execFile);

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
    expect(reused.blip).toBeUndefined(); // an external Redis is never taken down by us
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

/** The server's data directory, from its own config. */
async function dataDir(url: string): Promise<string> {
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await admin.connect();
    const [, dir] = (await admin.config("GET", "dir")) as [string, string];
    return dir;
  } finally {
    admin.disconnect();
  }
}

describe.skipIf(external)("RedisHandle.blip", () => {
  it("takes Redis down with its data kept, on the same port, and clients reconnect by themselves", async () => {
    const redis = await startRedis();
    handles.push(redis);
    const dir = await dataDir(redis.url);
    const errors: Error[] = [];
    const client = createRedisClient(redis.url, "blip-test", (error) => errors.push(error));
    try {
      await waitUntilReady(client, 5000);
      await client.set("pvp:blip:key", "kept");
      const streamId = await client.xadd("pvp:blip:stream", "*", "title", "hello");

      const blip = redis.blip?.(1000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expect(pingRedis(redis.url, 200)).rejects.toThrow(); // really down meanwhile
      const { downMs } = (await blip) ?? { downMs: -1 };
      expect(downMs).toBeGreaterThanOrEqual(1000);
      expect(await pingRedis(redis.url, 1000)).toBe(redis.version);
      expect(await dataDir(redis.url)).toBe(dir);

      // The shared client options retry forever: the same client object comes back on its own.
      await expect
        .poll(() => client.get("pvp:blip:key").catch(() => null), { timeout: 5000 })
        .toBe("kept");
      expect(errors.length).toBeGreaterThan(0); // it did notice the outage
      const entries = await client.xrange("pvp:blip:stream", "-", "+");
      expect(entries).toEqual([[streamId, ["title", "hello"]]]);
    } finally {
      client.disconnect();
    }
    expect(existsSync(dir)).toBe(true);
    await redis.stop();
    expect(existsSync(dir)).toBe(false); // only the final stop removes the data
  });

  it("refuses a bad outage length or a stopped server with the fix in the message", async () => {
    const redis = await startRedis();
    handles.push(redis);
    await expect(redis.blip?.(-1)).rejects.toThrow(/downMs.*got -1.*blip\(2000\)/);
    await expect(redis.blip?.(Number.NaN)).rejects.toThrow(/downMs/);
    await redis.stop();
    await expect(redis.blip?.(10)).rejects.toThrow(/not running.*restart\(\)/);
  });

  it("removes a blipped server's data directory when the process exits", async () => {
    const script = `
      import { startRedis } from "./src/redis/managed-redis.ts";
      const redis = await startRedis();
      await redis.blip(0);
      const { Redis } = await import("ioredis");
      const admin = new Redis(redis.url);
      const [, dir] = await admin.config("GET", "dir");
      admin.disconnect();
      process.stdout.write(dir);
      process.exit(0);
    `;
    const { stdout } = await execFileAsync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { cwd: new URL("../..", import.meta.url).pathname, timeout: 20_000 },
    );
    expect(stdout).toMatch(/pvp-redis-/);
    expect(existsSync(stdout.trim())).toBe(false);
  });
});
