/** What the shell hands to each strategy's route installer. */
import type { Express } from "express";
import type { NotificationSource } from "../src/notifications/index.ts";
import type { ServerMetrics } from "./server-metrics.ts";

/** Server settings after defaults are applied (see ServerOptions for meaning and units). */
export interface ResolvedServerOptions {
  heartbeatMs: number;
  pageSize: number;
  defaultPollTimeoutMs: number;
  sseRetryMs: number;
  sseMaxBufferedBytes: number;
  sseMaxStallMs: number;
}

export interface StrategyContext {
  source: NotificationSource;
  metrics: ServerMetrics;
  options: ResolvedServerOptions;
  /** Registers work for graceful shutdown (answer a held poll, end a stream); returns unregister. */
  onShutdown(closer: () => void): () => void;
  isShuttingDown(): boolean;
  log(line: string): void;
}

/** Adds one strategy's delivery route(s) to the app. */
export type RouteInstaller = (app: Express, context: StrategyContext) => void;
