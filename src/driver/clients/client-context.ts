/**
 * What every simulated client shares: where the servers are, its counted HTTP agents, the
 * counters all three strategies fill the same way, and where received notifications and
 * connection events go.
 */
import type http from "node:http";

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
  | { kind: "template"; subscribe: SubscribeTemplate };

/** Counters shared by all clients of one run; bytes and connections live in WireCounter. */
export interface ClientStats {
  /** HTTP requests sent (an SSE stream counts one per connect). */
  requests: number;
  /** 2xx poll responses that carried no notification. */
  emptyResponses: number;
  /** Network errors and non-2xx answers. */
  errors: number;
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
    reconnects: 0,
    staleSocketRetries: 0,
    foreignNotifications: 0,
    resets: 0,
  };
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
  stats: ClientStats;
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

/** Backoff after an error, honouring the server's Retry-After (seconds) when it sent one. */
export function retryDelayMs(retryAfterHeader: string | undefined, fallbackMs: number): number {
  const seconds = retryAfterHeader === undefined ? Number.NaN : Number(retryAfterHeader);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, 30_000) : fallbackMs;
}

/** A short, log-friendly description of a network-level failure (its errno code when it has one). */
export function describeNetworkError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code !== undefined && !message.includes(code)
    ? `network error ${code}: ${message}`
    : `network error: ${message}`;
}
