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
  PUBLISH_SCRIPT,
  pickPayload,
  USER_ID_PATTERN,
  userKeys,
  wakeChannel,
} from "./stream-entry.ts";
import { START_CURSOR } from "./stream-id.ts";
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
    maxLen: number,
    channel: string,
    userId: string,
    sentAt: number,
    payloadJson: string,
  ): Promise<[number, string]>;
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
    this.readyTimeoutMs = options.readyTimeoutMs ?? 5000;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.channel = wakeChannel(this.keyPrefix);
    const onError = (role: string) => (error: Error) => this.logOnce(role, error);
    this.commands = createRedisClient(
      options.redisUrl,
      "pvp-commands",
      onError("commands"),
    ) as PublishingRedis;
    this.commands.defineCommand("pvpPublish", { numberOfKeys: 2, lua: PUBLISH_SCRIPT });
    this.subscriber = createRedisClient(options.redisUrl, "pvp-wake", onError("subscriber"));
    this.subscriber.on("message", (channel: string, userId: string) => {
      if (channel === this.channel) this.hub.wake(userId);
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
    // MULTI so the count and the page describe the same moment.
    const replies = await this.commands
      .multi()
      .xrange(keys.stream, `(${cursor}`, "+", "COUNT", limit)
      .get(keys.seq)
      .exec();
    const entries = replyValue<StreamEntry[]>(replies, 0) ?? [];
    const notifications = entries.map(([id, fields]) => decodeEntry(userId, id, fields));
    const last = notifications.at(-1);
    return {
      notifications,
      cursor: last ? last.id : cursor,
      count: Number(replyValue<string | null>(replies, 1) ?? 0),
    };
  }

  async readLatest(userId: string, limit: number): Promise<ReadResult> {
    assertUserId(userId);
    const keys = userKeys(this.keyPrefix, userId);
    const replies = await this.commands
      .multi()
      .xrevrange(keys.stream, "+", "-", "COUNT", Math.max(limit, 1))
      .get(keys.seq)
      .exec();
    const newestFirst = replyValue<StreamEntry[]>(replies, 0) ?? [];
    const newest = newestFirst[0];
    const notifications =
      limit > 0 ? newestFirst.reverse().map(([id, fields]) => decodeEntry(userId, id, fields)) : [];
    return {
      notifications,
      cursor: newest ? newest[0] : START_CURSOR,
      count: Number(replyValue<string | null>(replies, 1) ?? 0),
    };
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
