/**
 * The Redis-backed notification source: a per-user stream is the history (and the cursor is
 * authoritative), Pub/Sub on one channel is only a wake-up hint fanned out in memory.
 */
import type { Redis } from "ioredis";
import { createRedisClient, waitUntilReady } from "../redis/client-options.ts";
import {
  DEFAULT_HISTORY_MAX_LEN,
  DEFAULT_KEY_PREFIX,
  decodeEntry,
  decodeWakeHint,
  PUBLISH_SCRIPT,
  pickPayload,
  TRIM_SCRIPT,
  USER_ID_PATTERN,
  userKeys,
  wakeChannel,
} from "./stream-entry.ts";
import { compareStreamIds, START_CURSOR } from "./stream-id.ts";
import type {
  Notification,
  NotificationPayload,
  NotificationSource,
  NotificationSourceOptions,
  ReadResult,
  WakeListener,
} from "./types.ts";
import { WakeHub } from "./wake-hub.ts";

type StreamEntry = [id: string, fields: string[]];
type PublishingRedis = Redis & {
  pvpPublish(
    seqKey: string,
    streamKey: string,
    trimmedKey: string,
    maxLen: number,
    channel: string,
    userId: string,
    sentAt: number,
    payloadJson: string,
  ): Promise<[number, string]>;
  pvpTrim(streamKey: string, trimmedKey: string, keep: number): Promise<number>;
};

/** Creates the source and starts connecting; `await source.ready()` before relying on it. */
export function createNotificationSource(options: NotificationSourceOptions): NotificationSource {
  return new RedisNotificationSource(options);
}

/** Creates the source and waits until it is connected and subscribed. Closes it on failure. */
export async function openNotificationSource(
  options: NotificationSourceOptions,
): Promise<NotificationSource> {
  const source = createNotificationSource(options);
  try {
    await source.ready();
  } catch (error) {
    await source.close();
    throw error;
  }
  return source;
}

class RedisNotificationSource implements NotificationSource {
  private readonly commands: PublishingRedis;
  private readonly subscriber: Redis;
  private readonly keyPrefix: string;
  private readonly historyMaxLen: number;
  private readonly channel: string;
  private readonly hub = new WakeHub();
  private readonly readyTimeoutMs: number;
  private readonly log: (line: string) => void;
  private subscribed = false;
  private closed = false;
  private lastErrorLine = "";

  constructor(options: NotificationSourceOptions) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.historyMaxLen = options.historyMaxLen ?? DEFAULT_HISTORY_MAX_LEN;
    if (!Number.isSafeInteger(this.historyMaxLen) || this.historyMaxLen < 1) {
      throw new RangeError(
        `historyMaxLen ${this.historyMaxLen} must be a whole number >= 1 (entries kept per user)`,
      );
    }
    this.readyTimeoutMs = options.readyTimeoutMs ?? 5000;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.channel = wakeChannel(this.keyPrefix);
    const onError = (role: string) => (error: Error) => this.logOnce(role, error);
    this.commands = createRedisClient(
      options.redisUrl,
      "pvp-commands",
      onError("commands"),
    ) as PublishingRedis;
    this.commands.defineCommand("pvpPublish", { numberOfKeys: 3, lua: PUBLISH_SCRIPT });
    this.commands.defineCommand("pvpTrim", { numberOfKeys: 2, lua: TRIM_SCRIPT });
    this.subscriber = createRedisClient(options.redisUrl, "pvp-wake", onError("subscriber"));
    this.subscriber.on("message", (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const hint = decodeWakeHint(message);
      if (hint !== null) this.hub.wake(hint.userId, hint.entry ?? undefined);
    });
    this.subscriber.on("close", () => {
      this.subscribed = false;
    });
    // Every (re)connect: subscribe, and only once the subscription is live wake everyone,
    // so a listener that re-reads cannot miss a hint sent while we were away.
    this.subscriber.on("ready", () => void this.resubscribe());
    this.commands.on("ready", () => {
      this.lastErrorLine = "";
    });
  }

  async ready(): Promise<void> {
    await Promise.all([
      waitUntilReady(this.commands, this.readyTimeoutMs),
      this.waitUntilSubscribed(this.readyTimeoutMs),
    ]);
  }

  async publish(userId: string, payload: NotificationPayload): Promise<Notification> {
    assertUserId(userId);
    const keys = userKeys(this.keyPrefix, userId);
    const sentAt = Date.now();
    const stored = pickPayload(payload);
    const [seq, id] = await this.commands.pvpPublish(
      keys.seq,
      keys.stream,
      keys.trimmed,
      this.historyMaxLen,
      this.channel,
      userId,
      sentAt,
      JSON.stringify(stored),
    );
    return { id, userId, seq: Number(seq), sentAt, ...stored };
  }

  async readAfter(userId: string, cursor: string, limit: number): Promise<ReadResult> {
    assertUserId(userId);
    const keys = userKeys(this.keyPrefix, userId);
    // MULTI so the count, the trim marker and the page describe the same moment.
    const replies = await this.commands
      .multi()
      .xrange(keys.stream, `(${cursor}`, "+", "COUNT", limit)
      .get(keys.seq)
      .get(keys.trimmed)
      .exec();
    const entries = replyValue<StreamEntry[]>(replies, 0) ?? [];
    const notifications = entries.map(([id, fields]) => decodeEntry(userId, id, fields));
    const trimmedUpTo = replyValue<string | null>(replies, 2) ?? null;
    // A cursor older than the newest trimmed id missed at least that entry. A cursor equal to it
    // holds that entry and missed nothing (every later entry is still kept).
    const reset = trimmedUpTo !== null && compareStreamIds(cursor, trimmedUpTo) < 0;
    let next = notifications.at(-1)?.id ?? cursor;
    // After a reset the cursor moves past the gap even when nothing is kept after it, so the
    // next read (a poll, a re-read) does not report the same gap again.
    if (reset && trimmedUpTo !== null && compareStreamIds(next, trimmedUpTo) < 0) {
      next = trimmedUpTo;
    }
    return {
      notifications,
      cursor: next,
      count: Number(replyValue<string | null>(replies, 1) ?? 0),
      reset,
    };
  }

  async readLatest(userId: string, limit: number): Promise<ReadResult> {
    assertUserId(userId);
    const keys = userKeys(this.keyPrefix, userId);
    const replies = await this.commands
      .multi()
      .xrevrange(keys.stream, "+", "-", "COUNT", Math.max(limit, 1))
      .get(keys.seq)
      .get(keys.trimmed)
      .exec();
    const newestFirst = replyValue<StreamEntry[]>(replies, 0) ?? [];
    const newest = newestFirst[0];
    const notifications =
      limit > 0 ? newestFirst.reverse().map(([id, fields]) => decodeEntry(userId, id, fields)) : [];
    // With everything trimmed, continuing from "0-0" would report a gap to a reader that asked
    // for nothing in particular; continuing from the newest trimmed id does not.
    const trimmedUpTo = replyValue<string | null>(replies, 2) ?? null;
    return {
      notifications,
      cursor: newest ? newest[0] : (trimmedUpTo ?? START_CURSOR),
      count: Number(replyValue<string | null>(replies, 1) ?? 0),
      reset: false,
    };
  }

  async trimHistory(userId: string, keep: number): Promise<number> {
    assertUserId(userId);
    if (!Number.isSafeInteger(keep) || keep < 0) {
      throw new RangeError(
        `trimHistory keep ${keep} must be a whole number >= 0 (entries to keep)`,
      );
    }
    const keys = userKeys(this.keyPrefix, userId);
    return Number(await this.commands.pvpTrim(keys.stream, keys.trimmed, keep));
  }

  watch(userId: string, listener: WakeListener): () => void {
    return this.hub.add(userId, listener);
  }

  isHealthy(): boolean {
    return !this.closed && this.commands.status === "ready" && this.subscribed;
  }

  async ping(): Promise<void> {
    await this.commands.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.clear();
    await Promise.all([quitQuietly(this.commands), quitQuietly(this.subscriber)]);
  }

  private async resubscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
      this.subscribed = true;
      this.subscriber.emit("pvp-subscribed");
      this.hub.wakeAll();
    } catch (error) {
      // The connection dropped again; the next "ready" retries.
      this.logOnce("subscriber", error as Error);
    }
  }

  private waitUntilSubscribed(timeoutMs: number): Promise<void> {
    if (this.subscribed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.subscriber.off("pvp-subscribed", onSubscribed);
        reject(new Error(`Redis subscription was not ready within ${timeoutMs} ms`));
      }, timeoutMs);
      const onSubscribed = () => {
        clearTimeout(timer);
        resolve();
      };
      this.subscriber.once("pvp-subscribed", onSubscribed);
    });
  }

  /** One line per distinct error until the connection recovers: outages do not flood logs. */
  private logOnce(role: string, error: Error): void {
    if (this.closed) return;
    const line = `notification source: redis ${role} connection: ${error.message}`;
    if (line === this.lastErrorLine) return;
    this.lastErrorLine = line;
    this.log(line);
  }
}

function replyValue<T>(replies: [Error | null, unknown][] | null, index: number): T | undefined {
  if (replies === null) throw new Error("Redis transaction was aborted");
  const reply = replies[index];
  if (!reply) return undefined;
  if (reply[0]) throw reply[0];
  return reply[1] as T;
}

function assertUserId(userId: string): void {
  if (!USER_ID_PATTERN.test(userId)) {
    throw new TypeError(`user id '${userId}' must match ${USER_ID_PATTERN}`);
  }
}

async function quitQuietly(client: Redis): Promise<void> {
  if (client.status === "end") return;
  if (client.status !== "ready") {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
