/**
 * Redis cost from `INFO`: commands processed, CPU, memory and clients, read before and after
 * the measured window and turned into the results' RedisCost.
 *
 * The counters are server-wide: every client of that Redis counts, which is why the bench
 * prefers its own managed redis-server. The reads themselves cost a few commands (see
 * {@link readRedisInfo}); they are negligible next to a benchmark window's traffic.
 */
import { Redis } from "ioredis";
import type { RedisCost } from "../model/results.ts";

export interface RedisInfo {
  /** `total_commands_processed`: commands executed since the server started. */
  totalCommandsProcessed: number;
  /** `used_cpu_sys`: kernel CPU of the server process (all its threads), seconds. */
  usedCpuSys: number;
  /** `used_cpu_user`: user CPU of the server process (all its threads), seconds. */
  usedCpuUser: number;
  /** `used_memory`: bytes allocated by Redis's allocator (not RSS). */
  usedMemoryBytes: number;
  /** `connected_clients`: client connections, this reading's own included. */
  connectedClients: number;
  /** `redis_version`, e.g. "7.0.15". */
  redisVersion: string;
}

export interface ReadRedisInfoOptions {
  /** Connect timeout and per-command timeout, ms (default 2000). Only used for a URL. */
  timeoutMs?: number;
}

/**
 * Parses `INFO` output (`# Section` headers and `key:value` lines, CRLF) into a flat
 * key -> value map. Later sections never repeat a key, so flattening loses nothing.
 */
export function parseInfoText(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    // Values may contain ':' (e.g. executable paths), keys never do.
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** Picks the fields of {@link RedisInfo} out of INFO text; throws naming any missing field. */
export function redisInfoFromText(text: string): RedisInfo {
  const fields = parseInfoText(text);
  const num = (key: string): number => {
    const raw = fields.get(key);
    const value = raw === undefined ? Number.NaN : Number(raw);
    if (!Number.isFinite(value)) {
      throw new Error(`Redis INFO has no numeric ${key} (got ${JSON.stringify(raw)})`);
    }
    return value;
  };
  const redisVersion = fields.get("redis_version");
  if (redisVersion === undefined) throw new Error("Redis INFO has no redis_version");
  return {
    totalCommandsProcessed: num("total_commands_processed"),
    usedCpuSys: num("used_cpu_sys"),
    usedCpuUser: num("used_cpu_user"),
    usedMemoryBytes: num("used_memory"),
    connectedClients: num("connected_clients"),
    redisVersion,
  };
}

/**
 * Reads INFO from a Redis URL (`redis://host:port`) or from an existing ioredis client.
 *
 * With a URL, one short-lived connection is opened and always closed again; it fails fast
 * (no reconnect loop, no offline queue) so a dead Redis gives an error, not a hang. It sends
 * exactly one command (INFO): no ready check, no CLIENT SETINFO. With a client, the caller
 * owns the connection and it is left open.
 *
 * Each reading counts in the next reading's `totalCommandsProcessed` (INFO is counted after
 * it runs), so a before/after pair includes the one INFO of `before`.
 */
export async function readRedisInfo(
  redisUrlOrClient: string | Redis,
  options: ReadRedisInfoOptions = {},
): Promise<RedisInfo> {
  if (typeof redisUrlOrClient !== "string") {
    return redisInfoFromText(await redisUrlOrClient.info());
  }
  const timeoutMs = options.timeoutMs ?? 2_000;
  const client = new Redis(redisUrlOrClient, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    disableClientInfo: true,
  });
  // Without a listener ioredis reports connection errors as unhandled 'error' events; the
  // same error reaches us through connect()/info().
  client.on("error", () => {});
  try {
    await client.connect();
    return redisInfoFromText(await client.info());
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`reading Redis INFO from ${redactUrl(redisUrlOrClient)} failed: ${reason}`, {
      cause: err,
    });
  } finally {
    // quit() waits for pending replies (there are none now); disconnect() covers a connection
    // that never came up, where quit() would fail.
    await client.quit().catch(() => client.disconnect());
  }
}

/** Hides a password in a Redis URL before it goes into an error message. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return "<unparseable Redis URL>";
  }
}

/**
 * RedisCost over a window from INFO read at its start (`before`) and end (`after`):
 * commands and CPU are deltas, memory and clients are the `after` values.
 *
 * @throws RangeError when a counter went backwards (Redis restarted between the readings),
 *   because any delta would then be meaningless.
 */
export function diffRedisInfo(before: RedisInfo, after: RedisInfo): RedisCost {
  const commands = after.totalCommandsProcessed - before.totalCommandsProcessed;
  const cpuSeconds =
    after.usedCpuSys + after.usedCpuUser - (before.usedCpuSys + before.usedCpuUser);
  if (commands < 0 || cpuSeconds < 0) {
    throw new RangeError(
      "Redis counters went backwards between the two INFO readings " +
        "(was Redis restarted or CONFIG RESETSTAT run during the window?)",
    );
  }
  return {
    commands,
    // INFO prints CPU with 6 decimals; rounding drops float noise from the subtraction.
    cpuSeconds: Math.round(cpuSeconds * 1e6) / 1e6,
    usedMemoryBytes: after.usedMemoryBytes,
    connectedClients: after.connectedClients,
  };
}
