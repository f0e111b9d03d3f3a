/**
 * What the bench and its publisher thread say to each other (plain data: it crosses a
 * worker_threads message port). The thread owns its own Redis connection and fires the
 * schedule; the bench learns each accepted publish in batches, for the ledger.
 */
import type { PublishPlan } from "../publish-plan.ts";
import type { PublisherStats } from "../publisher.ts";

/** Given to the thread at its start (`workerData`). */
export interface PublisherThreadInit {
  redisUrl: string;
  keyPrefix: string;
  /** The run's stream retention; absent = the source's default. */
  historyMaxLen?: number;
  /** How long the thread's source waits for Redis, ms (absent: the source's default, 5 s). */
  readyTimeoutMs?: number;
  /** The bench's `clockOriginNs()`, so intended times are on the bench's axis. */
  clockOriginNs: string;
}

export type ToPublisherThread =
  /** Sent when publishing should start (the thread is connected by then); times on the bench's axis. */
  { type: "start"; plan: PublishPlan } | { type: "stop" } | { type: "close" };

/** One accepted publish: user, seq, intended time (µs, the bench's axis). */
export type PublishRecord = [userId: string, seq: number, intendedAtUs: number];

export type FromPublisherThread =
  | { type: "ready" }
  | { type: "published"; records: PublishRecord[] }
  | { type: "stats"; stats: PublisherStats }
  /** After stop: every record of the run was posted before this. */
  | { type: "stopped"; stats: PublisherStats }
  | { type: "failed"; message: string };
