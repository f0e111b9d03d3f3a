/**
 * What the phases of one run measured, as plain data: each phase (connect-phases.ts,
 * measure-phases.ts) returns one of these, the judge (judge.ts) and the result builder
 * (build-result.ts) read them. Nothing here knows RunResult; nothing here holds a process or a
 * socket.
 */

import type { ClientStats } from "../driver/clients/client-context.ts";
import type { PublisherStats } from "../driver/publisher.ts";
import type { TimelineWindow } from "../driver/traffic-timeline.ts";
import type { TransportStats } from "../driver/transport-stats.ts";
import type { WireSnapshot } from "../driver/wire-counter.ts";
import type { FaultOutcome } from "../faults/fault-run.ts";
import type { FleetWindow } from "../fleet/server-fleet.ts";
import type { SelfCheckResult } from "../metrics/driver-self-check.ts";
import type { RedisInfo } from "../metrics/redis-info.ts";
import type { DeliveryPath } from "../model/delivery-path.ts";
import type { LatencyStats } from "../model/latency-stats.ts";
import type { DeliveryStats, DriverWorkerShare, RedisCost } from "../model/results.ts";
import type { NginxWindow } from "../proxy/nginx-proxy.ts";

/** Our servers' RSS and TCP connections, summed over instances. */
export interface ServerTotals {
  rssBytes: number;
  openSockets: number;
}

/** After the route warm-up, before any client connects: what per-connection costs grow from. */
export interface BaselineSnapshot {
  /** null with --target (no server of ours). */
  server: ServerTotals | null;
  driverRssBytes: number;
}

/** Once the ramp is over and the connect grace has passed (or everyone connected). */
export interface RampSnapshot {
  /** Clients asked for and clients connected by the end of the grace. */
  clients: number;
  connected: number;
  allConnected: boolean;
  graceMs: number;
  server: ServerTotals | null;
  /** Each instance's `pvp_open_connections`; null with --target or when one did not answer. */
  openConnectionsGauges: number[] | null;
  /**
   * True when `server` is a `--target-pid` server's: it has no gauges of ours and its sockets are
   * not ours to interpret (no known Redis connections), so connections are the driver's count.
   */
  externalServer?: boolean;
  driverRssBytes: number;
  /** Gauges that could not be read, for the warnings. */
  notes: string[];
}

/** The measured window, from counters taken at both edges. */
export interface WindowSnapshot {
  measuredMs: number;
  /** Why the window ended early (past the error-rate bound), or null. */
  abortReason: string | null;
  /** What the clients put on the wire inside the window. */
  wire: WireSnapshot;
  /**
   * When a sample of the clients moved their bytes (the radio energy model's input); absent
   * when not recorded (tests of other figures).
   */
  timelines?: TimelineWindow;
  statsStart: ClientStats;
  statsEnd: ClientStats;
  /** null with --target. */
  fleet: FleetWindow | null;
  /**
   * The delivery path and what it counted in the window: nginx's cost (null without a proxy or
   * when it could not be sampled), TLS handshakes and h2 streams (window differences), h2
   * sessions open at the end. Absent in snapshots built by older tests: read as direct.
   */
  delivery?: {
    path: DeliveryPath;
    proxy: NginxWindow | null;
    transport: TransportStats;
    h2OpenSessions: number;
  };
  driver: SelfCheckResult;
  /**
   * `--driver-workers`: each process's own self-check (`driver` is their merge). The judge
   * takes the publisher's polling out of the coordinator's CPU alone, then the busiest process.
   */
  driverProcesses?: { coordinator: SelfCheckResult; workers: SelfCheckResult[] };
  /**
   * Wall time the publisher's precise timer spent polling the clock inside the window, µs:
   * waiting for an intended time, not work (the event loop keeps serving I/O meanwhile).
   */
  publisherPollingUs: number;
  /** Redis INFO at both edges; null with --target. */
  redisBefore: RedisInfo | null;
  redisAfter: RedisInfo | null;
  /** Each instance's `nodejs_eventloop_lag_p99_seconds` at the end; null as above. */
  eventLoopLagGauges: number[] | null;
  notes: string[];
}

/** Publishing stopped, the drain waited (bounded) for every published seq. */
export interface DrainSnapshot {
  drainedMs: number;
  publisher: PublisherStats;
  /** Over the whole run. */
  delivery: DeliveryStats;
  /** Receipts inside the window. */
  latency: LatencyStats;
  /** `--driver-workers`: each worker's share; absent when the clients ran in process. */
  workers?: DriverWorkerShare[];
}

/** What arrived that the ledger could not take, read at the very end. */
export interface ReceiptSnapshot {
  /** Notifications that reached a client of another user. */
  foreignNotifications: number;
  /** Notifications without the driver's marker. */
  unrecognized: number;
}

/** The window's Redis cost, when it can be told. */
export interface RedisWindow {
  /** null with --target, or when Redis restarted inside the window. */
  cost: RedisCost | null;
  /** Redis restarted inside the window (its counters with it), by the fault's design. */
  restartedInWindow: boolean;
}

export interface RunSnapshots {
  startedAt: string;
  baseline: BaselineSnapshot;
  ramp: RampSnapshot;
  window: WindowSnapshot;
  drain: DrainSnapshot;
  /** null outside fault scenarios. */
  fault: FaultOutcome | null;
  receipts: ReceiptSnapshot;
  redis: RedisWindow;
}
