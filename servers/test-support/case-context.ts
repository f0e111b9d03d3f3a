/** What every conformance case gets, whichever server it runs against. */

import type { StrategyId } from "../../src/model/strategies.ts";
import type { Notification, NotificationSource } from "../../src/notifications/index.ts";
import type { RedisHandle } from "../../src/redis/managed-redis.ts";
import type { PushVsPollServer, ServerOptions } from "../http-shell.ts";
import type { DeliveryClient } from "./delivery-clients.ts";

export interface CaseContext {
  strategy: StrategyId;
  /** The shared server of this strategy (heartbeatMs 200, maxDeliveryPerUser 1000). */
  baseUrl: string;
  /** The notification source the server reads (publishing through it = what the driver does). */
  source: NotificationSource;
  redis: RedisHandle;
  client: DeliveryClient;
  /** Lines the servers logged. */
  logs: string[];
  /** A user id unique to this case and strategy. */
  userId(name: string): string;
  publish(userId: string, title?: string): Promise<Notification>;
  /** A fresh server of this strategy (own source); closed after the strategy's cases. */
  startExtraServer(
    options?: Partial<Omit<ServerOptions, "strategy" | "source">>,
  ): Promise<{ url: string; server: PushVsPollServer }>;
}

export interface ConformanceCase {
  name: string;
  /** Strategies the case applies to (default: all three). */
  only?: StrategyId[];
  /** Stops and restarts Redis: skipped when REDIS_URL points at an external Redis. */
  needsManagedRedis?: boolean;
  run(context: CaseContext): Promise<void>;
}

/** Retries `check` every 25 ms (errors count as "not yet") until true or `timeoutMs`. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet: e.g. connection refused while something restarts
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function seqs(notifications: Notification[]): number[] {
  return notifications.map((n) => n.seq);
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
