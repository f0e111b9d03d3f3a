/**
 * The fast path (deliver a hinted entry that continues the cursor without reading Redis) and
 * the fallback (read the stream) must deliver exactly the same sequence, whatever happens to
 * the hints: lost, duplicated, reordered, or arriving while a read is in flight. Real Redis for
 * the stream; the hints reach the follower through a source whose watch() the test drives, so
 * the test decides which hints arrive and when (reads still go to the real stream).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisHandle, startRedis } from "../redis/managed-redis.ts";
import { CursorFollower } from "./cursor-follower.ts";
import { openNotificationSource } from "./notification-source.ts";
import { decodeWakeHint } from "./stream-entry.ts";
import type {
  HintedEntry,
  Notification,
  NotificationSource,
  ReadResult,
  WakeListener,
} from "./types.ts";

let redis: RedisHandle;
let source: NotificationSource;
beforeAll(async () => {
  redis = await startRedis();
  source = await openNotificationSource({ redisUrl: redis.url, keyPrefix: "hint:" });
});
afterAll(async () => {
  await source?.close();
  await redis?.stop();
});

/** The real source with the hint channel replaced by the test's hand. */
function controlledSource(real: NotificationSource): {
  source: NotificationSource;
  hint: (entry?: HintedEntry) => void;
} {
  const listeners = new Set<WakeListener>();
  const source: NotificationSource = {
    ready: () => real.ready(),
    publish: (userId, payload) => real.publish(userId, payload),
    readAfter: (userId, cursor, limit) => real.readAfter(userId, cursor, limit),
    readLatest: (userId, limit) => real.readLatest(userId, limit),
    trimHistory: (userId, keep) => real.trimHistory(userId, keep),
    watch: (_userId, listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    isHealthy: () => real.isHealthy(),
    ping: () => real.ping(),
    close: async () => {},
  };
  return {
    source,
    hint: (entry) => {
      for (const listener of listeners) listener(entry);
    },
  };
}

/** Hints as the publish script writes them: each entry with the id before it. */
function hintsOf(seed: Notification, published: readonly Notification[]): HintedEntry[] {
  return published.map((notification, i) => ({
    previousId: (i === 0 ? seed : (published[i - 1] as Notification)).id,
    notification,
  }));
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 2));
}

let userCounter = 0;

async function follow(
  controlled: ReturnType<typeof controlledSource>,
  userId: string,
  after: string,
  pageSize: number,
): Promise<{ follower: CursorFollower; delivered: Notification[]; batches: ReadResult[] }> {
  const delivered: Notification[] = [];
  const batches: ReadResult[] = [];
  const follower = new CursorFollower({
    source: controlled.source,
    userId,
    from: { after },
    pageSize,
    onBatch: async (batch) => {
      batches.push(batch);
      delivered.push(...batch.notifications);
      // a consumer that takes a moment, so hints pile up behind a batch
      if (delivered.length % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    },
  });
  const first = await follower.start();
  delivered.push(...first.notifications);
  follower.run();
  return { follower, delivered, batches };
}

describe("hint fast path", () => {
  it("delivers hinted entries that continue the cursor without reading the stream", async () => {
    const userId = `fast${userCounter++}`;
    const controlled = controlledSource(source);
    const seed = await source.publish(userId, { title: "seed", message: "" });
    const { follower, delivered, batches } = await follow(controlled, userId, seed.id, 100);
    const published: Notification[] = [];
    for (let i = 0; i < 5; i++)
      published.push(await source.publish(userId, { title: `n${i}`, message: "" }));
    for (const hint of hintsOf(seed, published)) controlled.hint(hint);
    await settle();
    expect(delivered.map((n) => n.seq)).toEqual(published.map((n) => n.seq));
    expect(follower.stats.reads).toBe(0);
    expect(follower.stats.fastDeliveries).toBeGreaterThan(0);
    expect(batches.at(-1)?.count).toBe(published.at(-1)?.seq);
    follower.stop();
  });

  it("reads the stream when a hint does not continue the cursor (one lost)", async () => {
    const userId = `gap${userCounter++}`;
    const controlled = controlledSource(source);
    const seed = await source.publish(userId, { title: "seed", message: "" });
    const { follower, delivered } = await follow(controlled, userId, seed.id, 100);
    const published: Notification[] = [];
    for (let i = 0; i < 4; i++)
      published.push(await source.publish(userId, { title: `n${i}`, message: "" }));
    const hints = hintsOf(seed, published);
    controlled.hint(hints[2]); // the first two never hinted: a gap, so the stream is read
    await settle();
    expect(delivered.map((n) => n.seq)).toEqual(published.map((n) => n.seq));
    expect(follower.stats.reads).toBe(1);
    follower.stop();
  });

  it("delivers the same sequence as reads alone, whatever happens to the hints", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.nat({ max: 20 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        async (count, hintOrder, pageSize, interleave) => {
          const userId = `prop${userCounter++}`;
          const controlled = controlledSource(source);
          const seed = await source.publish(userId, { title: "seed", message: "" });
          const { follower, delivered } = await follow(controlled, userId, seed.id, pageSize);
          const published: Notification[] = [];
          const hints: HintedEntry[] = [];
          for (let i = 0; i < count; i++) {
            const n = await source.publish(userId, { title: `n${i}`, message: "", meta: { i } });
            published.push(n);
            hints.push(...hintsOf(seed, published).slice(-1));
            // hints while publishing: some arrive during reads the earlier ones started
            if (interleave && hintOrder[i] !== undefined) {
              const pick = hints[(hintOrder[i] ?? 0) % hints.length];
              if (pick) controlled.hint(pick);
            }
          }
          // then any hints, in any order, lost (not picked) or duplicated (picked twice)
          for (const index of hintOrder) controlled.hint(hints[index % hints.length]);
          // a bare hint, as after a reconnect: the one wake-up that guarantees a final read
          controlled.hint();
          await settle();
          await settle();
          follower.stop();
          expect(delivered.map((n) => n.id)).toEqual(published.map((n) => n.id));
          expect(delivered.map((n) => n.meta?.i)).toEqual(published.map((_, i) => i));
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("wake hint wire format", () => {
  it("round-trips what the publish script sends, through real Redis Pub/Sub", async () => {
    const userId = `wire${userCounter++}`;
    const received: (HintedEntry | undefined)[] = [];
    const unwatch = source.watch(userId, (entry) => received.push(entry));
    const first = await source.publish(userId, { title: "a\nb", message: "m", meta: { x: 1 } });
    const second = await source.publish(userId, { title: "c", message: "" });
    for (let i = 0; i < 50 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    unwatch();
    expect(received[0]).toEqual({ previousId: "", notification: first });
    expect(received[1]).toEqual({ previousId: first.id, notification: second });
  });

  it("reads a bare user id as a hint without an entry, and rejects garbage", () => {
    expect(decodeWakeHint("alice")).toEqual({ userId: "alice", entry: null });
    expect(decodeWakeHint("not a user!")).toBeNull();
    expect(decodeWakeHint("alice\nx\n1-0\n1\n5\n{not json")).toEqual({
      userId: "alice",
      entry: null,
    });
    expect(decodeWakeHint("alice\n\nbad-id\n1\n5\n{}")).toEqual({ userId: "alice", entry: null });
    expect(decodeWakeHint("bad user\n\n1-0\n1\n5\n{}")).toBeNull();
  });
});
