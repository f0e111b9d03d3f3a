/**
 * Push streams opened together do not heartbeat in step: each stream's first heartbeat (an SSE
 * comment, a WebSocket ping) comes at a random point of its first interval, never later than
 * one interval (push-stream-lifecycle.ts says why). Real Redis, real servers on port 0.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NotificationSource, openNotificationSource } from "../src/notifications/index.ts";
import { type RedisHandle, startRedis } from "../src/redis/managed-redis.ts";
import { createServer, type PushVsPollServer } from "./http-shell.ts";
import { openPushReader, type PushReader, type PushStrategy } from "./test-support/push-readers.ts";
import { SseTestReader } from "./test-support/sse-test-reader.ts";

const HEARTBEAT_MS = 1_000;
const STREAMS = 30;

let redis: RedisHandle;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

function heartbeats(reader: PushReader): number {
  return reader instanceof SseTestReader
    ? reader.comments.filter((c) => c.trim() === "heartbeat").length
    : reader.pings;
}

describe.each<PushStrategy>(["sse", "websocket"])("%s streams opened together", (strategy) => {
  let source: NotificationSource;
  let server: PushVsPollServer;
  let baseUrl: string;

  beforeAll(async () => {
    source = await openNotificationSource({ redisUrl: redis.url, keyPrefix: `hb:${strategy}:` });
    server = createServer({ strategy, source, heartbeatMs: HEARTBEAT_MS, log: () => {} });
    baseUrl = await server.listen(0);
  });
  afterAll(async () => {
    await server.close();
    await source.close();
  });

  it("get their first heartbeat spread over the first interval, each within it", async () => {
    const openedAtMs: number[] = [];
    const readers = await Promise.all(
      Array.from({ length: STREAMS }, (_, i) =>
        openPushReader(strategy, `${baseUrl}/api/notifications/hb-${strategy}-${i}`).then(
          (reader) => {
            openedAtMs[i] = performance.now();
            return reader;
          },
        ),
      ),
    );
    // Each stream's first heartbeat, measured from when that stream opened.
    const phaseMs: (number | null)[] = readers.map(() => null);
    // A generous budget for a loaded machine: the assertions are about the spread, not speed.
    const deadlineMs = performance.now() + HEARTBEAT_MS * 3;
    try {
      while (phaseMs.includes(null) && performance.now() < deadlineMs) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        readers.forEach((reader, i) => {
          if (phaseMs[i] === null && heartbeats(reader) > 0) {
            phaseMs[i] = performance.now() - (openedAtMs[i] ?? 0);
          }
        });
      }
      const seen = phaseMs.filter((ms): ms is number => ms !== null);
      expect(seen).toHaveLength(STREAMS);
      // In step, every phase would be one whole interval; 30 uniform phases span less than
      // half the interval with probability about 30 x 0.5^29, i.e. never.
      expect(Math.max(...seen) - Math.min(...seen)).toBeGreaterThan(HEARTBEAT_MS / 2);
      expect(Math.min(...seen)).toBeLessThan(HEARTBEAT_MS / 2);
    } finally {
      for (const reader of readers) reader.close();
    }
  });
});
