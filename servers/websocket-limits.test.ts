/**
 * The WebSocket server's limits over real sockets: the per-user cap and the connection cap answer
 * with the same HTTP errors as the other strategies BEFORE any upgrade (429 + Retry-After JSON,
 * the raw 503), a closed or cut socket frees its slot, and a shutting-down server closes its
 * sockets with 1001.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NotificationSource, openNotificationSource } from "../src/notifications/index.ts";
import { type RedisHandle, startRedis } from "../src/redis/managed-redis.ts";
import { PER_USER_RETRY_AFTER_S } from "./http-errors.ts";
import { createServer, type PushVsPollServer, type ServerOptions } from "./http-shell.ts";
import { waitUntil } from "./test-support/case-context.ts";
import { WebSocketTestReader } from "./test-support/websocket-test-reader.ts";

let redis: RedisHandle;
let source: NotificationSource;
const servers: PushVsPollServer[] = [];
const readers: WebSocketTestReader[] = [];

beforeAll(async () => {
  redis = await startRedis();
  source = await openNotificationSource({ redisUrl: redis.url, keyPrefix: "wslimits:" });
});
afterAll(async () => {
  for (const reader of readers) reader.close();
  await Promise.all(servers.map((server) => server.close()));
  await source?.close();
  await redis?.stop();
});

async function start(
  options: Partial<ServerOptions>,
): Promise<{ url: string; server: PushVsPollServer }> {
  const server = createServer({ strategy: "websocket", source, log: () => {}, ...options });
  servers.push(server);
  return { url: await server.listen(0), server };
}

async function open(url: string): Promise<WebSocketTestReader> {
  const reader = await WebSocketTestReader.open(url);
  readers.push(reader);
  return reader;
}

describe("WebSocket limits", () => {
  it("per-user cap: 429 + Retry-After JSON before the upgrade; a closed socket frees its slot", async () => {
    const { url } = await start({ maxDeliveryPerUser: 2 });
    const userUrl = `${url}/api/notifications/capped/ws`;
    const first = await open(userUrl);
    const second = await open(userUrl);
    expect([first.status, second.status]).toEqual([101, 101]);
    const refused = await open(userUrl);
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBe(String(PER_USER_RETRY_AFTER_S));
    expect(refused.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(refused.body)).toMatchObject({
      error: "too many connections for this user",
      detail: expect.stringContaining("--max-per-user"),
    });
    // Another user is not affected.
    expect((await open(`${url}/api/notifications/other/ws`)).status).toBe(101);
    first.close();
    await waitUntil(async () => (await open(userUrl)).status === 101, "the freed slot");
    // Refused upgrades count as the route's answers, upgraded sockets as 101 once they closed.
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const route = 'route="/api/notifications/:userId/ws"';
    expect(metrics).toMatch(
      new RegExp(`^pvp_http_requests_total\\{${route},status="429"\\} [1-9]`, "m"),
    );
    expect(metrics).toMatch(
      new RegExp(`^pvp_http_requests_total\\{${route},status="101"\\} [1-9]`, "m"),
    );
  });

  it("connection cap: the raw 503 + Retry-After before HTTP parsing, so before any upgrade", async () => {
    const { url } = await start({ maxConnections: 1, adminConnections: 0 });
    const held = await open(`${url}/api/notifications/a/ws`);
    expect(held.status).toBe(101);
    const refused = await open(`${url}/api/notifications/b/ws`);
    expect(refused.status).toBe(503);
    expect(refused.headers["retry-after"]).toBe("1");
    expect(JSON.parse(refused.body)).toMatchObject({ error: "too many connections" });
  });

  it("shutdown: open sockets are closed with 1001 (going away) and close() resolves", async () => {
    const { url, server } = await start({});
    const reader = await open(`${url}/api/notifications/leaving/ws`);
    await reader.waitFor(() => reader.events.length >= 1, "count");
    await server.close();
    await reader.waitFor(() => reader.ended, "the close");
    expect(reader.closeCode).toBe(1001);
    expect(reader.closeReason).toBe("server shutting down");
  });
});
