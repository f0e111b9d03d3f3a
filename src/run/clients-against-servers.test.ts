/**
 * The driver's clients against the real servers and a real Redis: every notification
 * arrives exactly once and in order, the counters mean what they say, and the bytes the clients
 * count on their sockets are exactly the bytes the server's sockets saw.
 */
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type PushVsPollServer } from "../../servers/http-shell.ts";
import { DEFAULT_CLIENT_BOUNDS } from "../driver/clients/client-bounds.ts";
import {
  type ClientContext,
  type ClientStats,
  createClientStats,
  type SimulatedClient,
} from "../driver/clients/client-context.ts";
import { createClient } from "../driver/clients/create-client.ts";
import { WireCounter } from "../driver/wire-counter.ts";
import { STRATEGIES, type StrategyId } from "../model/strategies.ts";
import { openNotificationSource } from "../notifications/index.ts";
import type { NotificationSource } from "../notifications/types.ts";
import { type RedisHandle, startRedis } from "../redis/managed-redis.ts";

const USERS = 4;
const PER_USER = 12;

let redis: RedisHandle;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

interface Harness {
  server: PushVsPollServer;
  source: NotificationSource;
  wire: WireCounter;
  stats: ClientStats;
  received: Map<string, number[]>;
  ctx: ClientContext;
  serverSockets: Set<Socket>;
  serverBytes: { read: number; written: number };
}

async function startHarness(strategy: StrategyId, keyPrefix: string): Promise<Harness> {
  const source = await openNotificationSource({ redisUrl: redis.url, keyPrefix });
  const server = createServer({ strategy, source, log: () => {} });
  const serverSockets = new Set<Socket>();
  const serverBytes = { read: 0, written: 0 };
  server.server.on("connection", (socket: Socket) => {
    serverSockets.add(socket);
    socket.once("close", () => {
      serverBytes.read += socket.bytesRead;
      serverBytes.written += socket.bytesWritten;
      serverSockets.delete(socket);
    });
  });
  const url = await server.listen(0, "127.0.0.1");
  const wire = new WireCounter();
  const stats = createClientStats();
  const received = new Map<string, number[]>();
  const ctx: ClientContext = {
    endpoints: [{ kind: "server", baseUrl: new URL(url) }],
    createAgent: () => wire.createAgent({ keepAlive: true, maxFreeSockets: 1 }),
    stats,
    bounds: DEFAULT_CLIENT_BOUNDS,
    onNotifications(userId: string, notifications: readonly unknown[]) {
      for (const n of notifications as readonly { userId: string; seq: number }[]) {
        expect(n.userId).toBe(userId);
        const seqs = received.get(userId) ?? [];
        seqs.push(n.seq);
        received.set(userId, seqs);
      }
    },
  };
  return { server, source, wire, stats, received, ctx, serverSockets, serverBytes };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(STRATEGIES)("%s client", (strategy) => {
  it("receives every notification once, in order, and counts the wire exactly", async () => {
    const h = await startHarness(strategy, `pvp:test-clients:${strategy}:`);
    const userIds = Array.from({ length: USERS }, (_, i) => `u${i}`);
    const clients: SimulatedClient[] = userIds.map((userId) =>
      createClient(strategy, h.ctx, userId, {
        shortPollIntervalMs: 50,
        jitterRatio: 0.1,
        longPollHoldMs: 2000,
      }),
    );
    try {
      await Promise.all(clients.map((client) => client.start()));
      for (let i = 0; i < PER_USER; i++) {
        await Promise.all(
          userIds.map((userId) => h.source.publish(userId, { title: `t${i}`, message: "m" })),
        );
      }
      await waitFor(
        () => userIds.every((u) => (h.received.get(u)?.length ?? 0) >= PER_USER),
        "all deliveries",
      );
      const expected = Array.from({ length: PER_USER }, (_, i) => i + 1);
      for (const userId of userIds) expect(h.received.get(userId)).toEqual(expected);
      expect(h.stats.errors).toBe(0);
      expect(h.stats.foreignNotifications).toBe(0);
      if (strategy === "sse" || strategy === "websocket") {
        expect(h.stats.requests).toBe(USERS);
        expect(h.stats.emptyResponses).toBe(0);
      } else {
        expect(h.stats.requests).toBeGreaterThan(USERS);
      }
    } finally {
      // Server first: it answers held polls and ends streams, and the clients read all of it
      // to EOF, so both sides have seen every byte before the counts are compared.
      await h.server.close();
      await waitFor(() => h.serverSockets.size === 0, "server sockets to close");
      await waitFor(() => h.wire.snapshot().openConnections === 0, "client sockets to close");
      for (const client of clients) client.stop();
      await h.source.close();
    }
    const wire = h.wire.snapshot();
    // Socket-level counting: what one side wrote is exactly what the other side read. One race
    // is real, not a counting error: a long poll answered by the server's shutdown is followed
    // at once by the client's next poll, written to a socket the server no longer reads, so
    // the clients may have sent up to one request per user more than the server read.
    expect(wire.bytesSent).toBeGreaterThan(0);
    expect(wire.bytesReceived).toBe(h.serverBytes.written);
    if (strategy === "long-polling") {
      const unread = wire.bytesSent - h.serverBytes.read;
      expect(unread).toBeGreaterThanOrEqual(0);
      expect(unread).toBeLessThanOrEqual(USERS * 512);
    } else {
      expect(wire.bytesSent).toBe(h.serverBytes.read);
    }
    // One connection per user: nobody shares a socket with another simulated user.
    expect(wire.connectionsOpened).toBeGreaterThanOrEqual(USERS);
  });
});

describe("WireCounter", () => {
  it("counts nothing for a connection that was refused", async () => {
    const source = await openNotificationSource({
      redisUrl: redis.url,
      keyPrefix: "pvp:test-refused:",
    });
    const probe = createServer({ strategy: "short-polling", source, log: () => {} });
    const url = new URL(await probe.listen(0, "127.0.0.1"));
    await probe.close(); // the port is now closed: the request below is refused
    await source.close();
    const wire = new WireCounter();
    const stats = createClientStats();
    const client = createClient(
      "short-polling",
      {
        endpoints: [{ kind: "server", baseUrl: url }],
        createAgent: () => wire.createAgent({ keepAlive: true, maxFreeSockets: 1 }),
        stats,
        bounds: DEFAULT_CLIENT_BOUNDS,
        onNotifications() {},
      },
      "u1",
      { shortPollIntervalMs: 50, jitterRatio: 0, longPollHoldMs: 1000 },
    );
    const started = client.start();
    await waitFor(() => stats.errors >= 1, "the refused request");
    client.stop();
    await started;
    expect(stats.requests).toBeGreaterThanOrEqual(1);
    expect(wire.snapshot()).toEqual({
      connectionsOpened: 0,
      bytesSent: 0,
      bytesReceived: 0,
      openConnections: 0,
    });
  });
});
