/**
 * What every simulated client shares: where the servers are, its counted HTTP agents, the
 * counters all three strategies fill the same way, and where received notifications and
 * connection events go.
 */
import type http from "node:http";
import type { ClientBounds } from "./client-bounds.ts";
import type { SendRequest } from "./send-request.ts";

/** A subscribe URL template of an external server (`--target`); see src/target/url-template.ts. */
export interface SubscribeTemplate {
  /** Percent-encodes the values into the template. Polling: `{cursor}` is "" on the first request. */
  expand(values: { userId: string; cursor?: string }): URL;
}

/**
 * Where a client subscribes. `server`: one of our own servers (the route is the strategy's
 * path on `baseUrl`). `template`: an external server, reached through its URL template; it
 * need not speak our `count` event nor accept our "0-0" cursor.
 */
export type Endpoint =
  | { kind: "server"; baseUrl: URL }
  | {
      kind: "template";
      subscribe: SubscribeTemplate;
      /**
       * How a polling client resumes: "url" (default) fills `{cursor}` from the answer's
       * `cursor`; "headers" sends the answer's Last-Modified / ETag back as If-Modified-Since /
       * If-None-Match, and each 200 answer's body is one notification (nchan's longpoll and
       * intervalpoll, the HTTP push stream module), a 304 "nothing new".
       */
      cursorMode?: "url" | "headers";
    };

/** Counters shared by all clients of one run; bytes and connections live in WireCounter. */
export interface ClientStats {
  /** HTTP requests sent (an SSE stream counts one per connect). */
  requests: number;
  /** 2xx poll responses that carried no notification. */
  emptyResponses: number;
  /** Network errors, non-2xx answers, crossed client bounds and answers that break the protocol. */
  errors: number;
  /**
   * `errors` by reason (`HTTP 503`, `SSE event over 1 MiB`, `no bytes for 45 s`, ...): at most
   * MAX_ERROR_REASONS distinct reasons, the rest under OTHER_ERROR_REASONS. Count with
   * countError(); copy with copyClientStats() (a spread would share this object).
   */
  errorsByReason: Record<string, number>;
  /** Waits before a retry that were longer than the normal delay: repeated failures backing off. */
  backoffs: number;
  /** The longest wait before a retry so far (the run resets it when its window opens), ms. */
  backoffMaxMs: number;
  /** SSE streams re-opened after they ended, failed or were dropped. */
  reconnects: number;
  /** Requests re-sent once because a kept-alive socket was closed under them (as browsers do). */
  staleSocketRetries: number;
  /** Notifications whose userId was not the client's: an isolation failure (the caller counts). */
  foreignNotifications: number;
  /** Explicit resets received: polling `reset: true`, SSE `event: reset`. */
  resets: number;
}

export function createClientStats(): ClientStats {
  return {
    requests: 0,
    emptyResponses: 0,
    errors: 0,
    errorsByReason: {},
    backoffs: 0,
    backoffMaxMs: 0,
    reconnects: 0,
    staleSocketRetries: 0,
    foreignNotifications: 0,
    resets: 0,
  };
}

/** Distinct reasons kept in `errorsByReason`: a target cannot grow the map (or the results file). */
export const MAX_ERROR_REASONS = 32;
/** Where errors of further distinct reasons are counted. */
export const OTHER_ERROR_REASONS = "(other reasons)";
/** Reasons are cut to this length (a Location header or an error message is the server's text). */
export const MAX_REASON_CHARS = 160;

/** Counts one error of `reason` in `errors` and in `errorsByReason`. */
export function countError(stats: ClientStats, reason: string): void {
  stats.errors += 1;
  const short =
    reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 3)}...` : reason;
  const byReason = stats.errorsByReason;
  const key =
    short in byReason || Object.keys(byReason).length < MAX_ERROR_REASONS - 1
      ? short
      : OTHER_ERROR_REASONS;
  byReason[key] = (byReason[key] ?? 0) + 1;
}

/** A snapshot of the counters that shares nothing with the live object. */
export function copyClientStats(stats: ClientStats): ClientStats {
  return { ...stats, errorsByReason: { ...stats.errorsByReason } };
}

/** Errors by reason between two snapshots (end - start), reasons that did not occur left out. */
export function diffErrorsByReason(
  start: Record<string, number>,
  end: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [reason, count] of Object.entries(end)) {
    const delta = count - (start[reason] ?? 0);
    if (delta > 0) out[reason] = delta;
  }
  return out;
}

export interface ClientContext {
  /**
   * Where clients subscribe; client i starts at `endpoints[i % length]` and, on a network-level
   * failure, moves on to the next one (as a client behind a health-checked load balancer would).
   */
  endpoints: readonly Endpoint[];
  /**
   * A fresh counted keep-alive agent. Every simulated user gets its own, so it owns its TCP
   * connection the way a browser tab does; a shared pool would let 1,000 "users" multiplex
   * over a handful of sockets and hide the server's per-connection cost.
   */
  createAgent(): http.Agent;
  /**
   * How polls and SSE streams are sent; default HTTP/1.1 (http or https as the URL says) on the
   * client's agent. With `--http2` the run's HTTP/2 session pool, shared by every client.
   */
  sendRequest?: SendRequest;
  stats: ClientStats;
  /** What a client puts up with before it ends a connection (sizes, times, retry waits). */
  bounds: ClientBounds;
  /**
   * Called once per received batch, in arrival order, with the parsed JSON of each notification
   * as it arrived (polling: the elements of `notifications`; SSE: the event's `data`). The
   * caller finds the driver's marker in them; the clients do not assume the server's shape.
   */
  onNotifications(userId: string, notifications: readonly unknown[]): void;
  /** The server announced a gap (history trimmed); called before that batch's notifications. */
  onReset?(userId: string): void;
  /** A 2xx poll answer, or an SSE stream opened (200 event-stream headers). */
  onConnected?(userId: string): void;
  /** A network error, a non-2xx answer, an SSE stream that ended or failed, or drop(). */
  onDisrupted?(userId: string, reason: string): void;
}

/** One simulated user: connects, follows its stream of notifications, stops on request. */
export interface SimulatedClient {
  readonly userId: string;
  /**
   * Resolves when the client is connected: first poll answered; SSE stream open (our servers:
   * their first `count` event, sent once the stream is registered; external servers: headers).
   */
  start(): Promise<void>;
  /** Stops polling / closes the stream; in-flight requests are aborted. */
  stop(): void;
  /**
   * Cuts the current request or stream and every socket of the client's agent, as if the
   * network dropped, then reconnects after `reconnectAfterMs` from the current cursor /
   * Last-Event-ID, on the same endpoint. Safe at any time; does nothing before start() or
   * after stop().
   */
  drop(reconnectAfterMs: number): void;
  /**
   * Reads response bodies at most this fast (bytes per second), by pausing the response so
   * the socket stops being read and the server's send buffer fills; null = full speed again.
   */
  setReadRate(bytesPerSec: number | null): void;
}

/**
 * The normal wait after an error: the server's Retry-After (seconds) when it sent one, clamped
 * to [retryMinMs, retryMaxMs], else `fallbackMs` (the client's own; repeated failures back off
 * from there, see connection-lifecycle.ts).
 */
/** True when a Retry-After header holds a usable number of seconds (the server said when). */
export function hasRetryAfter(retryAfterHeader: string | undefined): boolean {
  const seconds = retryAfterHeader === undefined ? Number.NaN : Number(retryAfterHeader);
  return Number.isFinite(seconds) && seconds >= 0;
}

export function retryDelayMs(
  retryAfterHeader: string | undefined,
  fallbackMs: number,
  bounds: Pick<ClientBounds, "retryMinMs" | "retryMaxMs">,
): number {
  const seconds = retryAfterHeader === undefined ? Number.NaN : Number(retryAfterHeader);
  if (!(Number.isFinite(seconds) && seconds >= 0)) return fallbackMs;
  return Math.min(bounds.retryMaxMs, Math.max(bounds.retryMinMs, seconds * 1000));
}

/** A short, log-friendly description of a network-level failure (its errno code when it has one). */
export function describeNetworkError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code !== undefined && !message.includes(code)
    ? `network error ${code}: ${message}`
    : `network error: ${message}`;
}
