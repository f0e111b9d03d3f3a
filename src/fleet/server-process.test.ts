/**
 * A real server process (scripts/server.ts) on a real Redis: kill -9 ends it at once, and a new
 * process can take the same port so clients keep their URL.
 */
import { once } from "node:events";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisHandle, startRedis } from "../redis/managed-redis.ts";
import { PortInUseError, type ServerProcess, startServerProcess } from "./server-process.ts";

let redis: RedisHandle;
const started: ServerProcess[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await redis?.stop();
});

async function start(port?: number): Promise<ServerProcess> {
  const server = await startServerProcess({
    strategy: "short-polling",
    redisUrl: redis.url,
    keyPrefix: "pvp:test:server-process:",
    port,
  });
  started.push(server);
  return server;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("ServerProcess.kill", () => {
  it("kills -9, then a restart on the same port answers /healthz at the same URL", async () => {
    const first = await start();
    expect(first.url.port).not.toBe("0");
    await first.kill();
    expect(isAlive(first.pid)).toBe(false);
    await first.kill(); // already dead: resolves at once
    expect(await first.stop()).toBeNull(); // ended by a signal, not an exit code

    const second = await start(Number(first.url.port));
    expect(second.url.href).toBe(first.url.href);
    expect(second.pid).not.toBe(first.pid);
    const health = await fetch(new URL("/healthz", second.url));
    expect(health.status).toBe(200);
    expect(await second.stop()).toBe(0);
  });

  it("reports a taken fixed port as PortInUseError so the caller can retry", async () => {
    const holder = createServer();
    holder.listen(0, "127.0.0.1");
    await once(holder, "listening");
    const address = holder.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const error = await start(port).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as PortInUseError).port).toBe(port);
      expect((error as Error).message).toMatch(new RegExp(`port ${port} is in use`));
    } finally {
      holder.close();
    }
  });

  it("refuses a port that is not one, naming the fix", async () => {
    await expect(start(70_000)).rejects.toThrow(
      /port must be an integer from 0 to 65535.*got 70000/,
    );
    await expect(start(1.5)).rejects.toThrow(/pass 0 for any free port/);
  });
});
