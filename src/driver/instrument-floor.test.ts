/**
 * The instrument floor against a real Redis: every probe publish comes back through the
 * follower, and the figures are a consistent distribution. Its size is a speed, not asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNotificationSource } from "../notifications/notification-source.ts";
import type { NotificationSource } from "../notifications/types.ts";
import { type RedisHandle, startRedis } from "../redis/managed-redis.ts";
import { measureInstrumentFloor } from "./instrument-floor.ts";

let redis: RedisHandle;
let source: NotificationSource;

beforeAll(async () => {
  redis = await startRedis();
  source = await openNotificationSource({ redisUrl: redis.url, keyPrefix: "floor-test:" });
});

afterAll(async () => {
  await source?.close();
  await redis?.stop();
});

describe("measureInstrumentFloor", () => {
  it("times every probe publish through Redis and back, with no server in between", async () => {
    const floor = await measureInstrumentFloor({ source, samples: 60, ratePerSec: 200 });
    expect(floor.samples).toBe(60);
    expect(floor.ratePerSec).toBe(200);
    expect(floor.p50Us).toBeGreaterThan(0);
    expect(floor.p50Us).toBeLessThanOrEqual(floor.p99Us);
    expect(floor.p99Us).toBeLessThanOrEqual(floor.maxUs * 1.001 + 1);
    expect(floor.issueLagP99Us).toBeGreaterThan(0);
  });
});
