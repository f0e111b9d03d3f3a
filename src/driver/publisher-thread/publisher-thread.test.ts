/**
 * The publisher thread against a real Redis: what it publishes is in the streams, each accepted
 * publish comes back to the bench once and in order, the intended times are on the bench's
 * clock, and stop/close end it however often they are called.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDriverMarker } from "../../model/receipt.ts";
import { openNotificationSource } from "../../notifications/notification-source.ts";
import type { NotificationSource } from "../../notifications/types.ts";
import { type RedisHandle, startRedis } from "../../redis/managed-redis.ts";
import { monotonicClock } from "../clock.ts";
import { PublisherThread } from "./publisher-thread.ts";

let redis: RedisHandle;
let reader: NotificationSource;
const keyPrefix = "publisher-thread-test:";

beforeAll(async () => {
  redis = await startRedis();
  reader = await openNotificationSource({ redisUrl: redis.url, keyPrefix });
});

afterAll(async () => {
  await reader?.close();
  await redis?.stop();
});

describe("PublisherThread", () => {
  it("publishes the schedule through its own connection; every record comes back once, in order", async () => {
    const thread = await PublisherThread.start({ redisUrl: redis.url, keyPrefix });
    const records: [string, number, number][] = [];
    const startUs = monotonicClock.nowUs() + 20_000;
    // 60 fixed publishes at 200/s, round-robin over three users: 20 each
    const endUs = startUs + (59.5 / 200) * 1_000_000;
    const running = thread.begin(
      {
        userIds: ["u1", "u2", "u3"],
        fanout: "per-user",
        userChoice: "round-robin",
        userChoiceSeed: 1,
        ratePerSec: 200,
        model: "fixed",
        startUs,
        endUs,
        payloadBytes: 50,
      },
      (userId, seq, intendedAtUs) => records.push([userId, seq, intendedAtUs]),
    );
    await new Promise((resolve) => setTimeout(resolve, 450));
    const stats = await running.stop();
    expect(stats).toMatchObject({ events: 60, published: 60, errors: 0 });
    // again (the rig's close() stops once more): the same answer, no hang
    await expect(running.stop()).resolves.toEqual(stats);
    await thread.close();

    expect(records).toHaveLength(60);
    for (const user of ["u1", "u2", "u3"]) {
      const own = records.filter(([u]) => u === user);
      expect(own.map(([, seq]) => seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      // what the thread said it published is what the stream holds, marker for marker
      const { notifications } = await reader.readAfter(user, "0-0", 100);
      const markers = notifications.map((n) => parseDriverMarker(n.meta));
      expect(markers.map((m) => m?.seq)).toEqual(own.map(([, seq]) => seq));
      expect(markers.map((m) => m?.intendedAtUs)).toEqual(own.map(([, , at]) => at));
    }
    // intended times are the schedule's, on this process's clock: 5 ms apart from startUs
    const times = records.map(([, , at]) => at).sort((a, b) => a - b);
    // (the marker carries whole microseconds)
    expect(Math.abs((times[0] ?? 0) - startUs)).toBeLessThanOrEqual(1);
    expect(Math.abs((times.at(-1) ?? 0) - (startUs + 59 * 5_000))).toBeLessThanOrEqual(1);
    // the stats' issue lag is measured on the same axis: small, never negative
    expect(stats.issueLagP50Us).toBeGreaterThan(0);
    expect(stats.maxIssueLagUs).toBeLessThan(500_000);
  });

  it("close() without a schedule ends the thread", async () => {
    const thread = await PublisherThread.start({ redisUrl: redis.url, keyPrefix });
    await thread.close();
    await thread.close();
  });

  it("a Redis it cannot reach is refused with a line saying so", async () => {
    await expect(
      PublisherThread.start({ redisUrl: "redis://127.0.0.1:1", keyPrefix, readyTimeoutMs: 300 }),
    ).rejects.toThrow(/the publisher thread could not open Redis: /);
  });
});
