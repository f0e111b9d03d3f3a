/**
 * Limits that protect the servers, against real servers on port 0 and a real Redis:
 * per-user delivery cap (429), connection cap (503, then recovery), oversized headers (431).
 */
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StrategyId } from "../src/model/strategies.ts";
import { type NotificationSource, openNotificationSource } from "../src/notifications/index.ts";
import { type RedisHandle, startRedis } from "../src/redis/managed-redis.ts";
import { defaultMaxConnections, maxConnectionsFor, readFdSoftLimit } from "./connection-limits.ts";
import { createServer, type PushVsPollServer, type ServerOptions } from "./http-shell.ts";
import { waitUntil } from "./test-support/case-context.ts";

let redis: RedisHandle;
let source: NotificationSource;
const servers: PushVsPollServer[] = [];

beforeAll(async () => {
  redis = await startRedis();
  source = await openNotificationSource({ redisUrl: redis.url, keyPrefix: "limits:" });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await source?.close();
  await redis?.stop();
});

async function start(
  strategy: StrategyId,
  options: Partial<Omit<ServerOptions, "strategy" | "source">> = {},
): Promise<{ url: string; port: number }> {
  const server = createServer({ strategy, source, log: () => {}, ...options });
  servers.push(server);
  const url = await server.listen(0);
  return { url, port: Number(new URL(url).port) };
}

/** Sends raw bytes on a new connection; resolves to everything the server sent until close. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(text));
    socket.on("connect", () => socket.write(request));
  });
}

function parseRaw(text: string): { status: number; headers: string; body: string } {
  const split = text.indexOf("\r\n\r\n");
  const head = text.slice(0, split);
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
    headers: head,
    body: text.slice(split + 4),
  };
}

describe.each(["long-polling", "sse"] as const)("per-user delivery cap (%s)", (strategy) => {
  it("answers 429 JSON with Retry-After past the cap, and admits again once one closes", async () => {
    const { url } = await start(strategy, { maxDeliveryPerUser: 2 });
    const path = strategy === "sse" ? "sse" : "poll?after=0-0&timeoutMs=30000";
    const deliveryUrl = (user: string) => `${url}/api/notifications/${user}/${path}`;
    const gauge = strategy === "sse" ? "pvp_open_streams" : "pvp_held_polls";
    const open = async () =>
      Number(
        new RegExp(`^${gauge} (\\d+)`, "m").exec(await (await fetch(`${url}/metrics`)).text())?.[1],
      );
    const aborts = [new AbortController(), new AbortController()];
    const held = aborts.map((a) =>
      fetch(deliveryUrl("capped"), { signal: a.signal }).catch(() => undefined),
    );
    await waitUntil(async () => (await open()) === 2, "two deliveries open");

    const refused = await fetch(deliveryUrl("capped"));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("5");
    const body = (await refused.json()) as { error: string; detail: string };
    expect(body.error).toBe("too many connections for this user");
    expect(body.detail).toContain("maxDeliveryPerUser");
    expect(body.detail).toContain("2");

    // Another user is not affected.
    const other = await fetch(`${url}/api/notifications/other/poll?timeoutMs=0`);
    if (strategy === "long-polling") expect(other.status).toBe(200);
    await other.body?.cancel();

    aborts[0]?.abort();
    await waitUntil(async () => (await open()) === 1, "one delivery closed");
    const again = new AbortController();
    const admitted = await Promise.race([
      fetch(deliveryUrl("capped"), { signal: again.signal }).then((r) => r.status),
      waitUntil(async () => (await open()) === 2, "admitted again").then(() => 200),
    ]);
    expect(admitted).toBe(200);
    again.abort();
    aborts[1]?.abort();
    await Promise.all(held);
  });
});

describe("connection cap", () => {
  it("answers 503 + Retry-After past maxConnections, counts it, and serves again afterwards", async () => {
    const { url, port } = await start("short-polling", { maxConnections: 3 });
    const idle: Socket[] = [];
    for (let i = 0; i < 3; i++) {
      const socket = connect(port, "127.0.0.1");
      socket.on("error", () => {});
      await new Promise((resolve) => socket.once("connect", resolve));
      idle.push(socket);
    }
    // The server may see the connects a moment later than the client: retry until refused.
    let answer = parseRaw("");
    await waitUntil(async () => {
      answer = parseRaw(await rawExchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
      return answer.status === 503;
    }, "503 at the cap");
    expect(answer.headers).toMatch(/^Retry-After: 1$/m);
    expect(answer.headers).toMatch(/^Content-Type: application\/json/m);
    const body = JSON.parse(answer.body) as { error: string; detail: string };
    expect(body.error).toBe("too many connections");
    expect(body.detail).toContain("--max-connections");

    for (const socket of idle) socket.destroy();
    await waitUntil(async () => (await fetch(`${url}/healthz`)).status === 200, "serving again");
    const metrics = await (
      await fetch(`${url}/metrics`, { headers: { Connection: "close" } })
    ).text();
    expect(
      Number(/^pvp_rejected_connections_total (\d+)/m.exec(metrics)?.[1]),
    ).toBeGreaterThanOrEqual(1);
  });

  it("defaults below the open-files limit", () => {
    expect(
      readFdSoftLimit("Max open files            1024                 4096                 files"),
    ).toBe(1024);
    expect(
      readFdSoftLimit("Max open files            unlimited            unlimited            files"),
    ).toBe(Number.POSITIVE_INFINITY);
    expect(maxConnectionsFor(1024)).toBe(768);
    expect(maxConnectionsFor(20_000)).toBe(19_000);
    expect(maxConnectionsFor(1_048_576)).toBe(19_000);
    expect(maxConnectionsFor(Number.POSITIVE_INFINITY)).toBe(19_000);
    expect(maxConnectionsFor(undefined)).toBe(9000);
    const limit = readFdSoftLimit();
    if (limit !== undefined) expect(defaultMaxConnections()).toBeLessThan(limit);
  });
});

describe("request headers", () => {
  it("answers 431 JSON to headers over maxHeaderSize and keeps serving", async () => {
    const { url, port } = await start("short-polling", { maxHeaderSize: 4096 });
    const big = "x".repeat(8000);
    const raw = parseRaw(
      await rawExchange(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${big}\r\n\r\n`),
    );
    expect(raw.status).toBe(431);
    expect((JSON.parse(raw.body) as { error: string }).error).toBe("request headers too large");
    const viaFetch = await fetch(`${url}/healthz`, { headers: { "X-Big": big } });
    expect(viaFetch.status).toBe(431);
    await viaFetch.body?.cancel();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it("answers 400 JSON to a malformed request line", async () => {
    const { port } = await start("short-polling");
    const raw = parseRaw(await rawExchange(port, "NOT HTTP\r\n\r\n"));
    expect(raw.status).toBe(400);
    expect((JSON.parse(raw.body) as { error: string }).error).toBe("malformed request");
  });
});
