/**
 * What every simulated client shares: where the server is, its counted HTTP agents, the
 * counters all three strategies fill the same way, and where received notifications go.
 */
import type http from "node:http";

/** A notification as it arrives on the wire (the servers' JSON). */
export interface WireNotification {
  id: string;
  userId: string;
  seq: number;
  sentAt: number;
  title: string;
  message: string;
  meta?: Record<string, string | number | boolean>;
}

/** Counters shared by all clients of one run; bytes and connections live in WireCounter. */
export interface ClientStats {
  /** HTTP requests sent (an SSE stream counts one per connect). */
  requests: number;
  /** 2xx poll responses that carried no notification. */
  emptyResponses: number;
  /** Network errors and non-2xx answers. */
  errors: number;
  /** SSE streams re-opened after they ended or failed. */
  reconnects: number;
  /** Requests re-sent once because a kept-alive socket was closed under them (as browsers do). */
  staleSocketRetries: number;
  /** Notifications whose userId was not the client's: an isolation failure. */
  foreignNotifications: number;
}

export function createClientStats(): ClientStats {
  return {
    requests: 0,
    emptyResponses: 0,
    errors: 0,
    reconnects: 0,
    staleSocketRetries: 0,
    foreignNotifications: 0,
  };
}

export interface ClientContext {
  /** e.g. http://127.0.0.1:40123 */
  baseUrl: URL;
  /**
   * A fresh counted keep-alive agent. Every simulated user gets its own, so it owns its TCP
   * connection the way a browser tab does; a shared pool would let 1,000 "users" multiplex
   * over a handful of sockets and hide the server's per-connection cost.
   */
  createAgent(): http.Agent;
  stats: ClientStats;
  /** Called once per received batch, in arrival order. */
  onNotifications(userId: string, notifications: readonly WireNotification[]): void;
}

/** One simulated user: connects, follows its stream of notifications, stops on request. */
export interface SimulatedClient {
  readonly userId: string;
  /** Resolves when the client is connected: first poll answered, or SSE stream open. */
  start(): Promise<void>;
  /** Stops polling / closes the stream; in-flight requests are aborted. */
  stop(): void;
}

/** Backoff after an error, honouring the server's Retry-After (seconds) when it sent one. */
export function retryDelayMs(retryAfterHeader: string | undefined, fallbackMs: number): number {
  const seconds = retryAfterHeader === undefined ? Number.NaN : Number(retryAfterHeader);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, 30_000) : fallbackMs;
}
