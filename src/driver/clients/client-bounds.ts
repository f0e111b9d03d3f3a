/**
 * What a simulated client puts up with before it gives up on a connection. `--target` points the
 * bench at servers we did not write; without bounds, one that streams an endless `data:` line or
 * a JSON body that never ends grows the driver by tens of MB a second. Every bound ends that
 * connection only: the error is counted with its reason (`SSE event over 1 MiB`, `no bytes for
 * 45 s`) and the client reconnects as after any other error, with backoff. The defaults are far
 * above what a working server sends (our notifications are a few hundred bytes, our heartbeat is
 * every 15 s), so they never cut a healthy run; each has a `npm run bench` flag
 * (src/cli/bench-options.ts) and a row in docs/methodology.md ("Client bounds").
 *
 * Sizes of SSE lines and events are counted in characters of the decoded stream (UTF-16 code
 * units, which is bytes for the ASCII every event stream we know sends); poll bodies and headers
 * in bytes on the wire.
 */

export interface ClientBounds {
  /** One SSE line (field or comment), without its line end. */
  maxSseLineBytes: number;
  /** One SSE event: its `data:` lines joined plus its `event:` type. */
  maxSseEventBytes: number;
  /** An SSE `id:` or a poll cursor; a longer id is ignored, a longer cursor refused (it goes back in a header or URL). */
  maxCursorBytes: number;
  /** One poll answer body (also any error answer's body, which is read and discarded). */
  maxBodyBytes: number;
  /** Status line + response headers (Node's `maxHeaderSize`). */
  maxHeaderBytes: number;
  /** From the first response byte to the end of the headers. */
  headerTimeoutMs: number;
  /** From sending the request to the first response byte (long polling: plus the hold). */
  firstByteTimeoutMs: number;
  /** From sending a poll to the end of its answer (long polling: plus the hold). */
  answerTimeoutMs: number;
  /** An open SSE stream without a complete line (our heartbeat is every 15 s): cut as stalled. */
  sseIdleTimeoutMs: number;
  /**
   * What a server may ask a client to wait (SSE `retry:`, `Retry-After`) is clamped to
   * [min, max], so `retry: 0` cannot make a storm nor `retry: 10^12` a freeze; the min is also
   * the least wait after any error.
   */
  retryMinMs: number;
  retryMaxMs: number;
  /** Repeated failures back off exponentially (with jitter) up to this wait. */
  backoffMaxMs: number;
}

const KIB = 1024;
const MIB = 1024 * KIB;

/** The defaults: far above any working server, low enough that the driver's memory stays bounded. */
export const DEFAULT_CLIENT_BOUNDS: Readonly<ClientBounds> = Object.freeze({
  maxSseLineBytes: MIB,
  maxSseEventBytes: MIB,
  maxCursorBytes: 4 * KIB,
  maxBodyBytes: 8 * MIB,
  maxHeaderBytes: 64 * KIB,
  headerTimeoutMs: 10_000,
  firstByteTimeoutMs: 10_000,
  answerTimeoutMs: 30_000,
  // Three of our servers' 15 s heartbeats.
  sseIdleTimeoutMs: 45_000,
  retryMinMs: 100,
  retryMaxMs: 60_000,
  backoffMaxMs: 30_000,
});

/** The fields that are sizes (bytes) and those that are durations (ms), for messages and flags. */
export const SIZE_BOUNDS = [
  "maxSseLineBytes",
  "maxSseEventBytes",
  "maxCursorBytes",
  "maxBodyBytes",
  "maxHeaderBytes",
] as const satisfies readonly (keyof ClientBounds)[];

/**
 * The largest value any bound may take: setTimeout cannot wait longer than 2^31-1 ms (a longer
 * wait fires at once, which is how `retry: 10^12` became a storm), and no size above 1 GiB
 * keeps the driver's memory bounded in any useful sense.
 */
export const MAX_BOUND_MS = 2_147_483_647;
export const MAX_BOUND_BYTES = 1024 * MIB;

/** Checks a full set of bounds; a message naming the field when one is out of range. */
export function clientBoundsProblem(bounds: ClientBounds): string | null {
  for (const [key, value] of Object.entries(bounds) as [keyof ClientBounds, number][]) {
    const isSize = (SIZE_BOUNDS as readonly string[]).includes(key);
    const max = isSize ? MAX_BOUND_BYTES : MAX_BOUND_MS;
    if (!Number.isInteger(value) || value < 1 || value > max) {
      return `${key} must be a whole number from 1 to ${max}, got ${value}`;
    }
  }
  if (bounds.retryMinMs > bounds.retryMaxMs) {
    return `retryMinMs ${bounds.retryMinMs} exceeds retryMaxMs ${bounds.retryMaxMs}`;
  }
  return null;
}

/** 1048576 -> "1 MiB", 1536 -> "1.5 KiB", 100 -> "100 B": bounds as people read them. */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB) return `${trim(bytes / MIB)} MiB`;
  if (bytes >= KIB) return `${trim(bytes / KIB)} KiB`;
  return `${bytes} B`;
}

/** 45000 -> "45 s", 1500 -> "1.5 s", 250 -> "250 ms". */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${trim(ms / 1000)} s` : `${ms} ms`;
}

function trim(value: number): string {
  return String(Number(value.toFixed(2)));
}

/**
 * The wait before the next attempt after `failures` consecutive failed attempts (1 = the first
 * failure): the normal delay after one failure, so a server restart costs what it always did;
 * after more, uniform in [normal, min(cap, normal x 2^(failures-1))] (exponential, jittered so
 * clients that failed together do not come back together). The normal delay is at least
 * `floorMs`, so a `Retry-After: 0` cannot make it a storm.
 */
export function backoffDelayMs(
  normalMs: number,
  failures: number,
  options: { floorMs: number; capMs: number; random: () => number },
): number {
  const base = Math.max(options.floorMs, Number.isFinite(normalMs) ? normalMs : options.capMs);
  if (failures <= 1) return base;
  const ceiling = Math.max(base, Math.min(options.capMs, base * 2 ** Math.min(failures - 1, 30)));
  return base + options.random() * (ceiling - base);
}
