/**
 * Limits that protect the servers, against real servers on port 0 and a real Redis:
 * per-user delivery cap (429), connection cap (503, then recovery; /healthz and /metrics still
 * answer at capacity on the reserved connections), oversized headers (431).
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

/** Opens `n` connections that send nothing: they hold their slots. */
async function idleConnections(port: number, n: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < n; i++) {
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {});
    await new Promise((resolve) => socket.once("connect", resolve));
    sockets.push(socket);
  }
  return sockets;
}

const get = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;
const close = "Connection: close\r\n";

describe("connection cap", () => {
  it("answers 503 + Retry-After to delivery and publish past maxConnections, counts it, and serves again afterwards", async () => {
    const { url, port } = await start("short-polling", { maxConnections: 3 });
    const idle = await idleConnections(port, 3);
    // The server may see the connects a moment later than the client: retry until refused.
    let answer = parseRaw("");
    await waitUntil(async () => {
      answer = parseRaw(await rawExchange(port, get("/api/notifications/u1?after=0-0", close)));
      return answer.status === 503;
    }, "503 at the cap");
    expect(answer.headers).toMatch(/^Retry-After: 1$/m);
    expect(answer.headers).toMatch(/^Content-Type: application\/json/m);
    const body = JSON.parse(answer.body) as { error: string; detail: string };
    expect(body.error).toBe("too many connections");
    expect(body.detail).toContain("--max-connections");
    const publish = parseRaw(
      await rawExchange(
        port,
        `POST /api/notifications/u1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 13\r\n${close}\r\n{"title":"t"}`,
      ),
    );
    expect(publish.status).toBe(503);

    for (const socket of idle) socket.destroy();
    await waitUntil(
      async () => (await fetch(`${url}/api/notifications/u1?after=0-0`)).status === 200,
      "serving again",
    );
    const metrics = await (
      await fetch(`${url}/metrics`, { headers: { Connection: "close" } })
    ).text();
    expect(
      Number(/^pvp_rejected_connections_total (\d+)/m.exec(metrics)?.[1]),
    ).toBeGreaterThanOrEqual(2);
  });

  it("keeps --admin-connections above the cap for /healthz and /metrics only", async () => {
    const { port } = await start("short-polling", { maxConnections: 3, adminConnections: 2 });
    const idle = await idleConnections(port, 3);
    await waitUntil(
      async () =>
        parseRaw(await rawExchange(port, get("/api/notifications/u1?after=0-0", close))).status ===
        503,
      "at the cap",
    );
    // At capacity the probe and the scrape still answer, with their own content.
    const health = parseRaw(await rawExchange(port, get("/healthz", close)));
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ ok: true });
    const scrape = parseRaw(await rawExchange(port, get("/metrics?x=1", close)));
    expect(scrape.status).toBe(200);
    expect(scrape.body).toMatch(/^pvp_open_connections \d+/m);

    // A reserved connection that asks for anything else next is told the server is full.
    const both = await rawExchange(
      port,
      `${get("/healthz")}${get("/api/notifications/u1?after=0-0", close)}`,
    );
    const [first, second] = both.split(/(?=HTTP\/1\.1 )/);
    expect(parseRaw(first ?? "").status).toBe(200);
    const refused = parseRaw(second ?? "");
    expect(refused.status).toBe(503);
    expect(refused.headers).toMatch(/^Connection: close$/im);
    expect((JSON.parse(refused.body) as { detail: string }).detail).toContain("/healthz");

    // The reserve itself is bounded: with both reserved slots held, a probe is refused too.
    const held = await idleConnections(port, 0);
    for (let i = 0; i < 2; i++) {
      const socket = connect(port, "127.0.0.1");
      socket.on("error", () => {});
      const answered = new Promise((resolve) => socket.once("data", resolve));
      socket.write(get("/healthz")); // kept alive after its answer: holds its slot
      await answered;
      held.push(socket);
    }
    expect(parseRaw(await rawExchange(port, get("/healthz", close))).status).toBe(503);
    for (const socket of [...idle, ...held]) socket.destroy();
  });

  it("150 SSE clients against --max-connections 100 (scaled to 15 and 10): 200 x 10, 503 x 5, and /healthz 200", async () => {
    const { url } = await start("sse", { maxConnections: 10 });
    const streams = Array.from({ length: 15 }, (_, i) => {
      const abort = new AbortController();
      const response = fetch(`${url}/api/notifications/cap-${i}/sse`, { signal: abort.signal })
        .then((r) => r.status)
        .catch(() => 503); // a raw 503 may reach fetch as a reset under load
      return { abort, response };
    });
    const statuses = await Promise.all(streams.map((s) => s.response));
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 503)).toHaveLength(5);
    // The server is full; it is alive and says so, and its metrics can be read.
    const health = await fetch(`${url}/healthz`, { headers: { Connection: "close" } });
    expect(health.status).toBe(200);
    const metrics = await fetch(`${url}/metrics`, { headers: { Connection: "close" } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^pvp_open_streams 10$/m);
    for (const stream of streams) stream.abort.abort();
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
