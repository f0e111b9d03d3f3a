/**
 * The messages between the coordinator (the bench process: servers, publisher, window edges)
 * and its `--driver-workers` child processes (each holds a share of the simulated users, with
 * its own ledger, latency histogram, wire counter and self-check). Everything here crosses a
 * Node IPC channel with the "advanced" serialization (structured clone), so plain data only.
 *
 * Requests carry an id and get exactly one reply with that id; `published` batches and the
 * periodic `status` need none. One channel delivers in order, so a batch of publishes sent
 * before a request is applied before the worker answers it.
 */

import type { ClientBounds } from "../../driver/clients/client-bounds.ts";
import type { SelfCheckResult } from "../../metrics/driver-self-check.ts";
import type { LatencyStats } from "../../model/latency-stats.ts";
import type { DeliveryStats } from "../../model/results.ts";
import type { ScenarioParams } from "../../model/scenario.ts";
import type { StrategyId } from "../../model/strategies.ts";
import type { WindowCounts } from "../client-side.ts";

/** Where the worker's clients subscribe: our server's base URL, or a --target's templates. */
export type WireEndpoint =
  | { kind: "server"; baseUrl: string }
  | {
      kind: "template";
      target: string;
      targetStrategy: StrategyId;
      publishUrl: string;
      targetCursor: "url" | "headers";
    };

export interface WorkerInit {
  strategy: StrategyId;
  params: ScenarioParams;
  /** This worker's users and each one's place among all the run's clients (endpoint rotation). */
  users: { userId: string; index: number }[];
  endpoints: WireEndpoint[];
  bounds: ClientBounds;
  /** TLS (and HTTP/2) to the proxy; null = plain HTTP/1.1. */
  transport: { ca: string; resumption: boolean; h2Origin: string | null } | null;
  /**
   * The coordinator's clock origin on the machine's monotonic clock (process.hrtime, ns, as a
   * decimal string): the worker puts its receive times on the coordinator's axis with it, so a
   * latency is receive time minus the publisher's intended time, whichever process took each.
   */
  clockOriginNs: string;
  /** Clients of this worker whose traffic timeline is recorded (the radio energy sample). */
  timelineClients: number;
}

export type CoordinatorRequest =
  | { type: "init"; init: WorkerInit }
  | { type: "rss" }
  | { type: "start-clients"; rampMs: number }
  | { type: "open-window"; atUs: number }
  | { type: "close-window" }
  | { type: "all-delivered" }
  | { type: "final" };

export type CoordinatorMessage =
  | { id: number; request: CoordinatorRequest }
  /** (userId, seq, intendedAtUs) triples, flattened. */
  | { type: "published"; items: (string | number)[] }
  | { type: "stop" };

/** One worker's window; its timelines' times on the coordinator's axis, indexes the run's. */
export interface WorkerWindow extends WindowCounts {
  check: SelfCheckResult;
}

export interface WorkerFinal {
  delivery: DeliveryStats;
  latency: LatencyStats & { histogram: string };
  foreignNotifications: number;
  unrecognized: number;
}

export type WorkerReplyValue =
  | { type: "ready" }
  | { type: "rss"; rssBytes: number }
  | { type: "started"; connected: number; allConnected: boolean }
  | { type: "window-open" }
  | { type: "window"; window: WorkerWindow }
  | { type: "all-delivered"; value: boolean }
  | { type: "final"; final: WorkerFinal };

export type WorkerMessage =
  | { id: number; reply: WorkerReplyValue }
  | { id: number; error: string }
  | {
      type: "status";
      connected: number;
      requests: number;
      errors: number;
      delivered: number;
    };
