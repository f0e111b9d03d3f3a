import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisHandle, startRedis } from "../redis/managed-redis.ts";
import { CursorFollower } from "./cursor-follower.ts";
import { openNotificationSource } from "./notification-source.ts";
import type { NotificationSource, ReadResult } from "./types.ts";

let redis: RedisHandle;
let source: NotificationSource;
beforeAll(async () => {
  redis = await startRedis();
  source = await openNotificationSource({
    redisUrl: redis.url,
    keyPrefix: "unit:",
    historyMaxLen: 50,
  });
});
afterAll(async () => {
  await source?.close();
  await redis?.stop();
});

describe("notification source", () => {
  it("assigns seq 1, 2, 3... atomically, even for concurrent publishes", async () => {
    const published = await Promise.all(
      Array.from({ length: 20 }, (_, i) => source.publish("seq", { title: `t${i}`, message: "" })),
    );
    expect(published.map((n) => n.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const read = await source.readAfter("seq", "0-0", 100);
    // Stream order and seq order agree: seq is assigned inside the same script as XADD.
    expect(read.notifications.map((n) => n.seq)).toEqual(published.map((_, i) => i + 1));
    expect(read.count).toBe(20);
    expect(read.cursor).toBe(read.notifications.at(-1)?.id);
  });

  it("passes meta through untouched and drops unknown payload fields", async () => {
    const payload = { title: "t", message: "m", meta: { at: 1.5, ok: true, s: "x" }, junk: 1 };
    const n = await source.publish("meta", payload);
    expect(n).not.toHaveProperty("junk");
    const [read] = (await source.readLatest("meta", 10)).notifications;
    expect(read).toEqual(n);
    expect(read?.meta).toEqual({ at: 1.5, ok: true, s: "x" });
  });

  it("keeps history bounded (maxLen + a tenth at most) while count keeps the total", async () => {
    for (let i = 0; i < 300; i++) await source.publish("trim", { title: "t", message: "" });
    const latest = await source.readLatest("trim", 1000);
    expect(latest.count).toBe(300);
    expect(latest.notifications.length).toBeGreaterThanOrEqual(50);
    expect(latest.notifications.length).toBeLessThanOrEqual(55);
    expect(latest.notifications.at(-1)?.seq).toBe(300);
  });

  it("keeps key prefixes apart and rejects unsafe user ids", async () => {
    const other = await openNotificationSource({ redisUrl: redis.url, keyPrefix: "unit-other:" });
    try {
      await other.publish("shared", { title: "other", message: "" });
      expect((await source.readLatest("shared", 10)).count).toBe(0);
      await expect(source.publish("a:b", { title: "t", message: "" })).rejects.toThrow(TypeError);
    } finally {
      await other.close();
    }
  });

  it("a follower registered before reading sees everything after its cursor exactly once", async () => {
    const start = await source.publish("follow", { title: "0", message: "" });
    const batches: ReadResult[] = [];
    const follower = new CursorFollower({
      source,
      userId: "follow",
      from: { after: start.id },
      pageSize: 7,
      onBatch: (batch) => {
        batches.push(batch);
      },
    });
    // Publish while the first read is in flight: register-then-read must not lose these.
    const publishing = Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        source.publish("follow", { title: `${i + 1}`, message: "" }),
      ),
    );
    const first = await follower.start();
    follower.run();
    await publishing;
    const seen = () => [...first.notifications, ...batches.flatMap((b) => b.notifications)];
    for (let i = 0; i < 200 && seen().length < 30; i++) await new Promise((r) => setTimeout(r, 10));
    follower.stop();
    expect(seen().map((n) => n.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
    expect(batches.every((b) => b.notifications.length <= 7)).toBe(true);
  });
});
