/**
 * Slow consumers of both push strategies (SSE and WebSocket), against a real server and real
 * sockets, on the same terms: a client that stops reading is cut ("stalled") without the
 * server buffering more than its bound (the response's unsent bytes; a WebSocket's
 * bufferedAmount), a client that reads is paced through a backlog far larger than the bound
 * (never cut), an event bigger than the bound is cut ("buffer-full"; WebSocket: close 1008 with
 * the reason), and each cut is counted, logged with a human reason, and resumable
 * (Last-Event-ID; ?after=) without losing anything.
 *
 * Loopback kernels buffer megabytes for a client that does not read, so payloads are large.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Notification,
  type NotificationSource,
  openNotificationSource,
} from "../src/notifications/index.ts";
import { type RedisHandle, startRedis } from "../src/redis/managed-redis.ts";
import { createServer, type PushVsPollServer, type ServerOptions } from "./http-shell.ts";
import { waitUntil } from "./test-support/case-context.ts";
import { openPushReader, type PushReader, type PushStrategy } from "./test-support/push-readers.ts";

let redis: RedisHandle;
const servers: PushVsPollServer[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await redis?.stop();
});

/** How each strategy names a cut in its log line. */
const CUT_LOG: Record<PushStrategy, string> = {
  sse: "sse: closed the stream of user",
  websocket: "websocket: closed the socket of user",
};

const STALLED = 'pvp_sse_streams_cut_total{reason="stalled"}';
const BUFFER_FULL = 'pvp_sse_streams_cut_total{reason="buffer-full"}';
const MAX_BUFFERED = "pvp_sse_max_buffered_bytes";

const seqsOf = (reader: PushReader) =>
  reader.pushes().map((e) => (JSON.parse(e.data) as Notification).seq);
const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** The bytes one batch of `pageSize` events of `payloadBytes` can take on the wire (generous). */
const batchBytes = (pageSize: number, payloadBytes: number) => pageSize * (payloadBytes + 1024);

describe.each(["sse", "websocket"] as const)("%s slow consumers", (strategy) => {
  let source: NotificationSource;
  beforeAll(async () => {
    // Long history: these tests are about the socket, not about trimming.
    source = await openNotificationSource({
      redisUrl: redis.url,
      keyPrefix: `${strategy}bp:`,
      historyMaxLen: 100_000,
    });
  });
  afterAll(async () => {
    await source?.close();
  });

  async function start(
    options: Partial<ServerOptions>,
  ): Promise<{ url: string; logs: string[]; metric: (name: string) => Promise<number> }> {
    const logs: string[] = [];
    const server = createServer({ strategy, source, log: (line) => logs.push(line), ...options });
    servers.push(server);
    const url = await server.listen(0);
    const metric = async (name: string) => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const escaped = name.replace(/[{}"]/g, (c) => `\\${c}`);
      const value = new RegExp(`^${escaped} (\\S+)$`, "m").exec(text)?.[1];
      if (value === undefined) throw new Error(`${name} is missing from /metrics`);
      return Number(value);
    };
    return { url, logs, metric };
  }

  it("a client that stops reading is cut as stalled, the backlog stays bounded, and it resumes losing nothing", async () => {
    const bound = 1024 * 1024;
    const pageSize = 10;
    const payloadBytes = 60_000;
    const { url, logs, metric } = await start({
      sseMaxBufferedBytes: bound,
      sseMaxStallMs: 300,
      pageSize,
    });
    const user = "stops-reading";
    const userUrl = `${url}/api/notifications/${user}`;
    const stream = await openPushReader(strategy, userUrl);
    await stream.waitFor(() => stream.events.some((e) => e.event === "count"), "stream open");
    stream.pause();

    const message = "x".repeat(payloadBytes);
    let published = 0;
    const cut = () => logs.some((l) => l.startsWith(`${CUT_LOG[strategy]} ${user}:`));
    // Notifications keep coming until the server gives up on the client (a generous cap).
    for (; published < 2000 && !cut(); published++) {
      await source.publish(user, { title: `n${published + 1}`, message });
    }
    await waitUntil(cut, "the stream to be cut");
    const line = logs.find((l) => l.includes(user)) ?? "";
    expect(line.startsWith(`${CUT_LOG[strategy]} stops-reading: `)).toBe(true);
    expect(line).toMatch(/: client took nothing for 300 ms \(\d+ bytes unsent\)$/);
    expect(await metric(STALLED)).toBe(1);
    expect(await metric(BUFFER_FULL)).toBe(0);
    const maxBuffered = await metric(MAX_BUFFERED);
    expect(maxBuffered).toBeGreaterThan(0);
    expect(maxBuffered).toBeLessThanOrEqual(bound + batchBytes(pageSize, payloadBytes));
    await waitUntil(async () => (await metric("pvp_open_streams")) === 0, "stream closed");

    // What reached the client before the cut is complete events in order; then it resumes.
    stream.resume();
    await stream.waitFor(() => stream.ended, "the cut stream to end");
    const before = seqsOf(stream);
    expect(before).toEqual(range(1, before.length));
    const resumed = await openPushReader(strategy, userUrl, stream.lastPushId() ?? "0-0");
    try {
      await resumed.waitFor(
        () => before.length + resumed.pushes().length >= published,
        `${published} notifications in all`,
      );
      expect([...before, ...seqsOf(resumed)]).toEqual(range(1, published));
    } finally {
      resumed.close();
    }
  });

  it("a client that reads is paced through a backlog far larger than the bound, never cut", async () => {
    const bound = 64 * 1024;
    const payloadBytes = 20_000;
    const { url, logs, metric } = await start({ sseMaxBufferedBytes: bound, sseMaxStallMs: 5000 });
    const user = "big-backlog";
    const total = 60; // ~1.2 MB in one page of 100: about 19 times the bound
    for (let i = 1; i <= total; i++) {
      await source.publish(user, { title: `n${i}`, message: "y".repeat(payloadBytes) });
    }
    const reader = await openPushReader(strategy, `${url}/api/notifications/${user}`, "0-0");
    try {
      await reader.waitFor(() => reader.pushes().length >= total, `${total} pushes`);
      expect(seqsOf(reader)).toEqual(range(1, total));
      expect(reader.events.at(-1)).toEqual({ event: "count", id: undefined, data: String(total) });
      expect(reader.ended).toBe(false);
    } finally {
      reader.close();
    }
    expect(logs).toEqual([]);
    expect(await metric(STALLED)).toBe(0);
    expect(await metric(BUFFER_FULL)).toBe(0);
    // Sliced at event boundaries: the backlog never held more than the bound.
    expect(await metric(MAX_BUFFERED)).toBeLessThanOrEqual(bound);
  });

  it("an event bigger than the bound is cut as buffer-full, with the sizes in the log", async () => {
    const bound = 8 * 1024;
    const { url, logs, metric } = await start({ sseMaxBufferedBytes: bound });
    const user = "huge-event";
    const reader = await openPushReader(strategy, `${url}/api/notifications/${user}`);
    try {
      await reader.waitFor(() => reader.events.some((e) => e.event === "count"), "stream open");
      await source.publish(user, { title: "fits", message: "small" });
      await reader.waitFor(() => reader.pushes().length === 1, "the small one");
      await source.publish(user, { title: "too big", message: "z".repeat(20_000) });
      await reader.waitFor(() => reader.ended, "the stream to be cut");
    } finally {
      reader.close();
    }
    if (strategy === "websocket" && "closeCode" in reader) {
      // The client read on, so the close frame behind the big message reached it.
      expect(reader.closeCode).toBe(1008);
      expect(reader.closeReason).toMatch(
        /^buffer-full: \d+ bytes unsent exceed the 8192-byte bound$/,
      );
    }
    expect(logs).toHaveLength(1);
    expect(logs[0]?.startsWith(`${CUT_LOG[strategy]} huge-event: `)).toBe(true);
    expect(logs[0]).toMatch(/: \d+ bytes unsent exceed the 8192-byte bound$/);
    expect(await metric(BUFFER_FULL)).toBe(1);
    expect(await metric(STALLED)).toBe(0);
    expect(await metric(MAX_BUFFERED)).toBeLessThanOrEqual(bound + batchBytes(1, 20_000));
  });
});
