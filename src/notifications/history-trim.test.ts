/**
 * Trimming that knows what it removed: the publish script and trimHistory() keep exactly the
 * newest entries and record the newest removed id, and reads behind it come back as resets.
 * Real Redis (a spawned redis-server), real scripts.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisHandle, startRedis } from "../redis/managed-redis.ts";
import { CursorFollower } from "./cursor-follower.ts";
import { openNotificationSource } from "./notification-source.ts";
import { userKeys } from "./stream-entry.ts";
import type { Notification, NotificationSource, ReadResult } from "./types.ts";

const PREFIX = "trim-test:";
const MAX_LEN = 10;

let redis: RedisHandle;
let source: NotificationSource;
let sharedSource: NotificationSource;
/** A plain client to look at the keys the scripts write. */
let raw: Redis;

beforeAll(async () => {
  redis = await startRedis();
  source = await openNotificationSource({
    redisUrl: redis.url,
    keyPrefix: PREFIX,
    historyMaxLen: MAX_LEN,
  });
  sharedSource = source;
  raw = new Redis(redis.url);
});
afterAll(async () => {
  raw?.disconnect();
  await source?.close();
  await redis?.stop();
});

let users = 0;
const newUser = (name: string) => `${name}-${++users}`;

/** The real source, but every wake-up hint arrives without its entry (the read fallback). */
function bareHints(real: NotificationSource): NotificationSource {
  return {
    ready: () => real.ready(),
    publish: (userId, payload) => real.publish(userId, payload),
    readAfter: (userId, cursor, limit) => real.readAfter(userId, cursor, limit),
    readLatest: (userId, limit) => real.readLatest(userId, limit),
    trimHistory: (userId, keep) => real.trimHistory(userId, keep),
    watch: (userId, listener) => real.watch(userId, () => listener()),
    isHealthy: () => real.isHealthy(),
    ping: () => real.ping(),
    close: () => real.close(),
  };
}

async function publishMany(userId: string, count: number): Promise<Notification[]> {
  const published: Notification[] = [];
  for (let i = 0; i < count; i++) {
    published.push(await source.publish(userId, { title: `n${i + 1}`, message: "" }));
  }
  return published;
}

const marker = (userId: string) => raw.get(userKeys(PREFIX, userId).trimmed);
const streamLength = (userId: string) => raw.xlen(userKeys(PREFIX, userId).stream);
const seqsOf = (result: ReadResult) => result.notifications.map((n) => n.seq);
const idOf = (list: Notification[], seq: number) => {
  const found = list.find((n) => n.seq === seq);
  if (!found) throw new Error(`no seq ${seq}`);
  return found.id;
};

describe("trimming on publish", () => {
  it("waits for the slack, then trims to exactly maxLen and records the newest removed id", async () => {
    const user = newUser("publish");
    // slack = max(1, ceil(10 / 10)) = 1: 11 entries are tolerated, the 12th publish trims.
    const first = await publishMany(user, MAX_LEN + 1);
    expect(await streamLength(user)).toBe(MAX_LEN + 1);
    expect(await marker(user)).toBeNull();

    const twelfth = await source.publish(user, { title: "n12", message: "" });
    expect(await streamLength(user)).toBe(MAX_LEN);
    expect(await marker(user)).toBe(idOf(first, 2));
    const kept = await source.readLatest(user, 100);
    expect(seqsOf(kept)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(kept.cursor).toBe(twelfth.id);
    expect(kept.count).toBe(12);
    expect(kept.reset).toBe(false);

    // The marker follows every later trim forward.
    const more = await publishMany(user, 2);
    expect(await streamLength(user)).toBe(MAX_LEN);
    expect(await marker(user)).toBe(idOf(first, 4));
    expect(more.map((n) => n.seq)).toEqual([13, 14]);
  });
});

describe("trimHistory", () => {
  it("trims exactly to `keep`, returns how many went, and moves the marker", async () => {
    const user = newUser("manual");
    const published = await publishMany(user, 5);
    expect(await source.trimHistory(user, 2)).toBe(3);
    expect(seqsOf(await source.readLatest(user, 100))).toEqual([4, 5]);
    expect(await marker(user)).toBe(idOf(published, 3));

    // Nothing beyond `keep`: nothing removed, the marker stays.
    expect(await source.trimHistory(user, 5)).toBe(0);
    expect(await source.trimHistory(user, 2)).toBe(0);
    expect(await marker(user)).toBe(idOf(published, 3));

    expect(await source.trimHistory(user, 0)).toBe(2);
    expect(await streamLength(user)).toBe(0);
    expect(await marker(user)).toBe(idOf(published, 5));
    // Seqs continue: trimming history never touches the count.
    expect((await source.publish(user, { title: "n6", message: "" })).seq).toBe(6);
  });

  it("on a user without history removes nothing and sets no marker", async () => {
    const user = newUser("empty");
    expect(await source.trimHistory(user, 0)).toBe(0);
    expect(await marker(user)).toBeNull();
  });

  it("rejects a bad keep or user id, naming the input", async () => {
    for (const keep of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(source.trimHistory("someone", keep)).rejects.toThrow(/keep .* whole number/);
    }
    await expect(source.trimHistory("a:b", 1)).rejects.toThrow(/user id/);
  });

  it("only moves the marker forward", async () => {
    const user = newUser("forward");
    await publishMany(user, 3);
    const future = "99999999999999-0";
    await raw.set(userKeys(PREFIX, user).trimmed, future);
    expect(await source.trimHistory(user, 1)).toBe(2);
    expect(await marker(user)).toBe(future);
    // Compared as numbers, not strings: "9-0" sorts after "10-0" as text but is older.
    await raw.set(userKeys(PREFIX, user).trimmed, "9-0");
    const [newest] = await publishMany(user, 1);
    expect(await source.trimHistory(user, 0)).toBe(2);
    expect(await marker(user)).toBe(newest?.id);
  });
});

describe("readAfter reports resets at the trim boundary", () => {
  it("resets a cursor older than the newest removed id, and only that", async () => {
    const user = newUser("boundary");
    const published = await publishMany(user, 6);
    await source.trimHistory(user, 3); // removes seq 1..3, keeps 4..6
    const newestRemoved = idOf(published, 3);
    const firstKept = idOf(published, 4);

    const fromStart = await source.readAfter(user, "0-0", 100);
    expect(fromStart.reset).toBe(true);
    expect(seqsOf(fromStart)).toEqual([4, 5, 6]);

    const behind = await source.readAfter(user, idOf(published, 2), 100);
    expect(behind.reset).toBe(true);
    expect(seqsOf(behind)).toEqual([4, 5, 6]);
    expect(behind.count).toBe(6);

    // A cursor AT the newest removed id holds that entry: nothing between it and the oldest
    // kept one is missing, so no reset (which also keeps a caught-up poll from resetting forever).
    const atMarker = await source.readAfter(user, newestRemoved, 100);
    expect(atMarker.reset).toBe(false);
    expect(seqsOf(atMarker)).toEqual([4, 5, 6]);

    const atFirstKept = await source.readAfter(user, firstKept, 100);
    expect(atFirstKept.reset).toBe(false);
    expect(seqsOf(atFirstKept)).toEqual([5, 6]);

    // A page smaller than what is kept still starts at the oldest kept entry.
    const page = await source.readAfter(user, "0-0", 2);
    expect(page).toMatchObject({ reset: true, cursor: idOf(published, 5) });
    expect(seqsOf(page)).toEqual([4, 5]);

    expect((await source.readLatest(user, 100)).reset).toBe(false);
  });

  it("never resets a user whose history was never trimmed", async () => {
    const user = newUser("untrimmed");
    const published = await publishMany(user, 3);
    for (const cursor of ["0-0", idOf(published, 1), idOf(published, 3)]) {
      expect((await source.readAfter(user, cursor, 100)).reset).toBe(false);
    }
    expect((await source.readAfter(newUser("nobody"), "0-0", 100)).reset).toBe(false);
  });

  it("moves the cursor past the gap when nothing is kept, so the reset is reported once", async () => {
    const user = newUser("all-gone");
    const published = await publishMany(user, 4);
    await source.trimHistory(user, 0);
    const gone = await source.readAfter(user, idOf(published, 1), 100);
    expect(gone).toEqual({ notifications: [], cursor: idOf(published, 4), count: 4, reset: true });
    const again = await source.readAfter(user, gone.cursor, 100);
    expect(again).toEqual({ notifications: [], cursor: gone.cursor, count: 4, reset: false });
    // A reader without a cursor continues from the gap too, so its next read is no reset.
    const latest = await source.readLatest(user, 100);
    expect(latest).toEqual({ notifications: [], cursor: gone.cursor, count: 4, reset: false });
  });
});

describe("CursorFollower passes resets through", () => {
  it("in its first result", async () => {
    const user = newUser("follow-first");
    const published = await publishMany(user, 5);
    await source.trimHistory(user, 2);
    const follower = new CursorFollower({
      source,
      userId: user,
      from: { after: idOf(published, 1) },
      pageSize: 100,
      onBatch: () => {},
    });
    const first = await follower.start();
    follower.stop();
    expect(first.reset).toBe(true);
    expect(seqsOf(first)).toEqual([4, 5]);
  });

  /**
   * A live follower whose consumer stalls on its first batch (like a stream waiting for drain)
   * while 3..5 are published and the history is trimmed past them, then released.
   */
  async function fallBehindTrim(source: NotificationSource, name: string) {
    const user = newUser(name);
    const start = await source.publish(user, { title: "n1", message: "" });
    const batches: ReadResult[] = [];
    let release = () => {};
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const follower = new CursorFollower({
      source,
      userId: user,
      from: { after: start.id },
      pageSize: 100,
      onBatch: async (batch) => {
        batches.push(batch);
        if (batches.length === 1) await stalled;
      },
    });
    expect((await follower.start()).notifications).toEqual([]);
    follower.run();
    await source.publish(user, { title: "n2", message: "" });
    await waitFor(() => batches.length === 1, "the first batch");
    const later = await publishMany(user, 3); // seq 3..5
    await new Promise((resolve) => setTimeout(resolve, 50)); // their hints arrive
    await source.trimHistory(user, 0);
    release();
    return { user, batches, follower, later };
  }

  it("in a later batch when a live follower fell behind, even with nothing kept after the gap", async () => {
    // Bare hints: this follower must read to learn of 3..5, and by then they are trimmed (with
    // hints that carry their entries it would have them already: the next test).
    const { batches, follower, later } = await fallBehindTrim(
      bareHints(sharedSource),
      "follow-live",
    );
    await waitFor(() => batches.length === 2, "the reset batch");
    follower.stop();
    expect(seqsOf(batches[0] as ReadResult)).toEqual([2]);
    expect(batches[0]?.reset).toBe(false);
    expect(batches[1]).toEqual({
      notifications: [],
      cursor: idOf(later, 5),
      count: 5,
      reset: true,
    });
    expect(follower.cursor).toBe(idOf(later, 5));
  });

  it("a live follower whose hints carried the entries delivers them, trimmed or not: nothing lost", async () => {
    const { user, batches, follower, later } = await fallBehindTrim(source, "follow-hinted");
    await waitFor(() => batches.flatMap((b) => b.notifications).length === 4, "3..5");
    follower.stop();
    expect(batches.flatMap((b) => b.notifications.map((n) => n.seq))).toEqual([2, 3, 4, 5]);
    expect(batches.some((b) => b.reset)).toBe(false);
    expect(follower.cursor).toBe(idOf(later, 5));
    // and the cursor it holds is not behind the trim marker: no reset on a later read
    expect((await source.readAfter(user, follower.cursor, 10)).reset).toBe(false);
  });
});

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
