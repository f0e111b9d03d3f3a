/** What the shell hands to each strategy's route installer. */
import type { Server } from "node:http";
import type { Express, Response } from "express";
import type { NotificationSource } from "../src/notifications/index.ts";
import type { ServerMetrics } from "./server-metrics.ts";

/** Defaults of the slow-consumer bounds; createServer and the --help text both use these. */
export const SSE_DEFAULTS = {
  maxBufferedBytes: 1024 * 1024,
  maxStallMs: 30_000,
} as const;

/** Server settings after defaults are applied (see ServerOptions for meaning and units). */
export interface ResolvedServerOptions {
  heartbeatMs: number;
  pageSize: number;
  defaultPollTimeoutMs: number;
  sseRetryMs: number;
  sseMaxBufferedBytes: number;
  sseMaxStallMs: number;
  /** Held long polls + SSE streams one user id may have open at once. */
  maxDeliveryPerUser: number;
}

export interface StrategyContext {
  source: NotificationSource;
  metrics: ServerMetrics;
  options: ResolvedServerOptions;
  /** Registers work for graceful shutdown (answer a held poll, end a stream); returns unregister. */
  onShutdown(closer: () => void): () => void;
  isShuttingDown(): boolean;
  /**
   * Counts one delivery connection (long poll or SSE stream) of `userId`. Returns its release
   * function (idempotent), or undefined after answering 429 when the user is at the cap.
   */
  admitDelivery(userId: string, res: Response): (() => void) | undefined;
  log(line: string): void;
}

/** What a strategy needs of the HTTP server itself (WebSocket: its 'upgrade' event). */
export interface StrategyServerHooks {
  attach(server: Server): void;
}

/** Adds one strategy's delivery route(s) to the app; hooks, when it needs the server too. */
export type RouteInstaller = (
  app: Express,
  context: StrategyContext,
) => undefined | StrategyServerHooks;
