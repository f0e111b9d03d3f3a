/**
 * ioredis (v6) connection settings shared by every connection this project opens.
 * They are chosen so that a Redis outage shows up as fast errors (HTTP 503) instead of
 * requests that queue forever, and so that connections come back on their own.
 */
import { Redis, type RedisOptions } from "ioredis";

/** Longest wait between reconnect attempts, in ms: a restarted Redis is noticed within ~1 s. */
export const RECONNECT_MAX_DELAY_MS = 1000;

/** A command without a reply after this many ms fails instead of hanging a request. */
export const COMMAND_TIMEOUT_MS = 2000;

/** Options for a connection named `connectionName` (shows in CLIENT LIST). */
export function redisClientOptions(connectionName: string): RedisOptions {
  return {
    connectionName,
    // Fail fast while disconnected: callers answer 503 + Retry-After rather than queueing.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 2000,
    // TCP keep-alive so a silently dead peer is detected; Nagle off for small writes.
    keepAlive: 10_000,
    noDelay: true,
    // Never give up: a benchmark server must recover when Redis returns.
    retryStrategy: (times: number) => Math.min(50 * times, RECONNECT_MAX_DELAY_MS),
    // Subscriptions are restored by the notification source itself, so it knows when
    // the subscription is live again and can wake waiting listeners after that point.
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    // Skip CLIENT SETINFO: one less round-trip per (re)connect, nothing depends on it.
    disableClientInfo: true,
  };
}

/** Opens a connection to `redisUrl` (redis://host:port[/db]). Errors are reported, not thrown. */
export function createRedisClient(
  redisUrl: string,
  connectionName: string,
  onError: (error: Error) => void,
): Redis {
  const client = new Redis(redisUrl, redisClientOptions(connectionName));
  // Without a listener ioredis stays silent; with one we can log once per outage.
  client.on("error", onError);
  return client;
}

/** Resolves when `client` is ready, rejects after `timeoutMs`. */
export function waitUntilReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off("ready", onReady);
      reject(new Error(`Redis did not become ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once("ready", onReady);
  });
}
