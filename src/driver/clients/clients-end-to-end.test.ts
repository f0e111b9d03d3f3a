/**
 * The three clients end to end: the publisher (driver seqs in the payload), our real servers on
 * a real Redis, and the ledger keyed on the payload seq. A drop() mid-stream and an instance
 * dying under its clients must both end with every notification delivered exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type PushVsPollServer } from "../../../servers/http-shell.ts";
import { STRATEGIES, type StrategyId } from "../../model/strategies.ts";
import { openNotificationSource } from "../../notifications/index.ts";
import type { NotificationSource } from "../../notifications/types.ts";
import { type RedisHandle, startRedis } from "../../redis/managed-redis.ts";
import { monotonicClock } from "../clock.ts";
import { LatencyRecorder } from "../latency-recorder.ts";
import { Ledger } from "../ledger.ts";
import { startPublisher } from "../publisher.ts";
import { recordingContext, waitFor } from "../test-support/clients.ts";
import type { ClientContext, Endpoint, SimulatedClient } from "./client-context.ts";
import { createClient } from "./create-client.ts";

let redis: RedisHandle;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const PARAMS = { shortPollIntervalMs: 20, jitterRatio: 0.1, longPollHoldMs: 2000 };
const USERS = ["u1", "u2", "u3"];

interface Instance {
  server: PushVsPollServer;
  endpoint: Endpoint;
}

async function startInstance(strategy: StrategyId, source: NotificationSource): Promise<Instance> {
  // A short retry hint, so SSE clients come back quickly after a cut.
  const server = createServer({ strategy, source, sseRetryMs: 50, log: () => {} });
  const url = await server.listen(0, "127.0.0.1");
  return { server, endpoint: { kind: "server", baseUrl: new URL(url) } };
}

/** Kills an instance the hard way: every connection cut, nothing answered. */
async function crash(instance: Instance): Promise<void> {
  instance.server.server.closeAllConnections();
  await instance.server.close();
}

/** The driver's marker from our servers' notification JSON. */
function driverMeta(n: unknown): { seq: number; intendedAtUs: number; userId: string } {
  const meta = (n as { meta?: { seq?: unknown; intendedAtUs?: unknown; userId?: unknown } }).meta;
  if (
    typeof meta?.seq !== "number" ||
    typeof meta.intendedAtUs !== "number" ||
    typeof meta.userId !== "string"
  ) {
    throw new Error(`no driver marker in ${JSON.stringify(n)}`);
  }
  return { seq: meta.seq, intendedAtUs: meta.intendedAtUs, userId: meta.userId };
}

/** Feeds receipts and resets to the ledger, still recording every hook call. */
function wire(ctx: ClientContext, ledger: Ledger): void {
  const { onNotifications, onReset } = ctx;
  ctx.onNotifications = (userId, notifications) => {
    onNotifications(userId, notifications);
    for (const n of notifications) {
      const meta = driverMeta(n);
      expect(meta.userId).toBe(userId);
      ledger.recordReceived(userId, meta.seq, meta.intendedAtUs, monotonicClock.nowUs());
    }
  };
  ctx.onReset = (userId) => {
    onReset?.(userId);
    ledger.recordReset(userId);
  };
}

/** Publishes `perUser` notifications per user, `gapMs` apart, through the driver's publisher. */
function publish(source: NotificationSource, ledger: Ledger, perUser: number, gapMs: number) {
  const startUs = monotonicClock.nowUs();
  const times = Array.from(
    { length: perUser * USERS.length },
    (_, i) => startUs + i * gapMs * 1000,
  );
  return startPublisher({
    publish: (userId, payload) => source.publish(userId, payload),
    userIds: USERS,
    fanout: "per-user",
    userChoice: "round-robin",
    schedule: times[Symbol.iterator](),
    clock: monotonicClock,
    payloadBytes: 32,
    onPublished: (userId, seq, intendedAtUs) => ledger.recordPublished(userId, seq, intendedAtUs),
  });
}

describe.each(STRATEGIES)("%s client end to end", (strategy) => {
  it("drop() mid-stream: reconnects and resumes with nothing lost and nothing twice", async () => {
    const keyPrefix = `pvp:test-drop:${strategy}:`;
    const source = await openNotificationSource({ redisUrl: redis.url, keyPrefix });
    const instance = await startInstance(strategy, source);
    const rec = recordingContext([instance.endpoint]);
    const ledger = new Ledger(new LatencyRecorder());
    wire(rec.ctx, ledger);
    const clients: SimulatedClient[] = USERS.map((u, i) =>
      createClient(strategy, rec.ctx, u, PARAMS, i),
    );
    try {
      await Promise.all(clients.map((c) => c.start()));
      const publisher = publish(source, ledger, 20, 4);
      await waitFor(() => ledger.summary().delivered >= 15, "some deliveries");
      for (const client of clients) client.drop(30);
      await waitFor(() => publisher.stats().events === 60, "the whole schedule");
      await publisher.stop();
      await waitFor(() => ledger.allDelivered(), "every notification");
      expect(ledger.summary()).toMatchObject({
        published: 60,
        delivered: 60,
        lost: 0,
        duplicates: 0,
        skippedByReset: 0,
      });
      expect(rec.stats.errors).toBe(0);
      expect(rec.calls.filter((c) => c.hook === "disrupted")).toHaveLength(USERS.length);
      if (strategy === "sse" || strategy === "websocket") {
        expect(rec.stats.reconnects).toBe(USERS.length);
      }
    } finally {
      for (const client of clients) client.stop();
      await instance.server.close();
      await source.close();
    }
  });

  it("an instance dies: its clients fail over to the next one and miss nothing", async () => {
    const keyPrefix = `pvp:test-failover:${strategy}:`;
    const source = await openNotificationSource({ redisUrl: redis.url, keyPrefix });
    const a = await startInstance(strategy, source);
    const b = await startInstance(strategy, source);
    const rec = recordingContext([a.endpoint, b.endpoint]);
    const ledger = new Ledger(new LatencyRecorder());
    wire(rec.ctx, ledger);
    // All on A: every client must find its way to B.
    const clients = USERS.map((u) => createClient(strategy, rec.ctx, u, PARAMS, 0));
    try {
      await Promise.all(clients.map((c) => c.start()));
      const publisher = publish(source, ledger, 8, 15);
      await waitFor(() => ledger.summary().delivered >= 6, "the first notifications, from A");
      await crash(a);
      await waitFor(() => publisher.stats().events === 24, "the whole schedule");
      await publisher.stop();
      await waitFor(() => ledger.allDelivered(), "the rest, from B");
      expect(ledger.summary()).toMatchObject({
        published: 24,
        delivered: 24,
        lost: 0,
        duplicates: 0,
      });
      // Each client saw its instance go (a network error) and found B.
      expect(rec.stats.errors).toBeGreaterThanOrEqual(USERS.length);
      const disruptedUsers = new Set(
        rec.calls.filter((c) => c.hook === "disrupted").map((c) => c.userId),
      );
      expect([...disruptedUsers].sort()).toEqual(USERS);
    } finally {
      for (const client of clients) client.stop();
      await b.server.close();
      await a.server.close();
      await source.close();
    }
  });

  it("history trimmed while away: an explicit reset, the gap skipped, nothing lost", async () => {
    const keyPrefix = `pvp:test-reset:${strategy}:`;
    const source = await openNotificationSource({ redisUrl: redis.url, keyPrefix });
    const instance = await startInstance(strategy, source);
    const rec = recordingContext([instance.endpoint]);
    const ledger = new Ledger(new LatencyRecorder());
    wire(rec.ctx, ledger);
    const clients = USERS.map((u, i) => createClient(strategy, rec.ctx, u, PARAMS, i));
    try {
      await Promise.all(clients.map((c) => c.start()));
      // Away (network down) long enough to publish and trim behind the clients' backs.
      for (const client of clients) client.drop(60_000);
      const publisher = publish(source, ledger, 10, 0);
      await waitFor(() => publisher.stats().published === 30, "the publishes");
      await publisher.stop();
      for (const userId of USERS) await source.trimHistory(userId, 3);
      for (const client of clients) client.drop(0); // back now, from the old cursor
      await waitFor(() => ledger.allDelivered(), "the kept ones");
      expect(ledger.summary()).toMatchObject({
        published: 30,
        delivered: 9,
        skippedByReset: 21,
        lost: 0,
        duplicates: 0,
      });
      expect(rec.stats.resets).toBe(USERS.length);
      expect(ledger.resets()).toBe(USERS.length);
      // Each user heard of its gap before the notifications after it.
      for (const userId of USERS) {
        const mine = rec.calls.filter(
          (c) => c.userId === userId && (c.hook === "reset" || c.hook === "notifications"),
        );
        expect(mine[0]?.hook).toBe("reset");
      }
    } finally {
      for (const client of clients) client.stop();
      await instance.server.close();
      await source.close();
    }
  });
});

describe("polling clients with a template endpoint against our servers (--target)", () => {
  it.each([
    ["short-polling", "/api/notifications/{userId}?after={cursor}"],
    ["long-polling", "/api/notifications/{userId}/poll?after={cursor}&timeoutMs=2000"],
  ] as const)("%s: empty first cursor, then every notification once", async (strategy, path) => {
    const keyPrefix = `pvp:test-template:${strategy}:`;
    const source = await openNotificationSource({ redisUrl: redis.url, keyPrefix });
    const instance = await startInstance(strategy, source);
    const base = instance.endpoint.kind === "server" ? instance.endpoint.baseUrl : null;
    const template: Endpoint = {
      kind: "template",
      subscribe: {
        expand: ({ userId, cursor }) =>
          new URL(
            path
              .replace("{userId}", encodeURIComponent(userId))
              .replace("{cursor}", encodeURIComponent(cursor ?? "")),
            base ?? undefined,
          ),
      },
    };
    const rec = recordingContext([template]);
    const ledger = new Ledger(new LatencyRecorder());
    wire(rec.ctx, ledger);
    const clients = USERS.map((u, i) => createClient(strategy, rec.ctx, u, PARAMS, i));
    try {
      await Promise.all(clients.map((c) => c.start()));
      const publisher = publish(source, ledger, 5, 2);
      await waitFor(() => publisher.stats().events === 15, "the whole schedule");
      await publisher.stop();
      await waitFor(() => ledger.allDelivered(), "every notification");
      expect(ledger.summary()).toMatchObject({ published: 15, delivered: 15, duplicates: 0 });
      expect(rec.stats.errors).toBe(0);
    } finally {
      for (const client of clients) client.stop();
      await instance.server.close();
      await source.close();
    }
  });
});
