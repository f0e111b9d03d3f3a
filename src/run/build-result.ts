/**
 * A run's RunResult from its snapshots and the judge's verdict: a pure function. Window
 * figures are differences of the counters at the window's edges; per-connection and
 * per-delivered ratios are null (not measurable) when their denominator is zero.
 */

import { diffErrorsByReason } from "../driver/clients/client-context.ts";
import type { PublisherStats } from "../driver/publisher.ts";
import { REDIS_CONNECTIONS_PER_SERVER, toInstanceCosts } from "../fleet/server-fleet.ts";
import type {
  DriverCost,
  HttpStats,
  PublisherLag,
  RunResult,
  ServerCost,
} from "../model/results.ts";
import type { PlannedRun } from "../plan/resolve-runs.ts";
import type { Verdict } from "./judge.ts";
import type { RunSnapshots } from "./snapshots.ts";

/** Which run the result is of. */
export type RunIdentity = Pick<
  PlannedRun,
  "scenario" | "step" | "strategy" | "repetition" | "params"
>;

export function buildResult(run: RunIdentity, s: RunSnapshots, verdict: Verdict): RunResult {
  const { window, drain } = s;
  const requests = window.statsEnd.requests - window.statsStart.requests;
  const bytes = window.wire.bytesSent + window.wire.bytesReceived;
  const inWindow = drain.delivery.deliveredInWindow;
  return {
    scenario: run.scenario,
    step: run.step,
    strategy: run.strategy,
    repetition: run.repetition,
    params: run.params,
    valid: verdict.valid,
    invalidReasons: verdict.invalidReasons,
    warnings: verdict.warnings,
    timing: {
      startedAt: s.startedAt,
      measuredMs: Math.round(window.measuredMs),
      drainedMs: Math.round(drain.drainedMs),
    },
    delivery: drain.delivery,
    latency: drain.latency,
    http: httpStats(s, run.params.clients),
    perDelivered: {
      requests: inWindow > 0 ? requests / inWindow : null,
      bytes: inWindow > 0 ? bytes / inWindow : null,
    },
    server: serverCost(s, run.params.instances),
    redis: s.redis.cost,
    driver: driverCost(s, run.params.clients),
    fault: s.fault?.result ?? null,
    publisher: publisherLag(drain.publisher),
  };
}

function publisherLag(publisher: PublisherStats): PublisherLag {
  return {
    events: publisher.events,
    issueLagP50Us: publisher.issueLagP50Us,
    issueLagP99Us: publisher.issueLagP99Us,
    issueLagMaxUs: publisher.maxIssueLagUs,
  };
}

function httpStats({ window }: RunSnapshots, clients: number): HttpStats {
  const { statsStart: start, statsEnd: end, wire } = window;
  const requests = end.requests - start.requests;
  const windowMinutes = window.measuredMs / 60_000;
  return {
    requests,
    emptyResponses: end.emptyResponses - start.emptyResponses,
    errors: end.errors - start.errors,
    errorsByReason: diffErrorsByReason(start.errorsByReason, end.errorsByReason),
    backoffs: end.backoffs - start.backoffs,
    // The run restarts the maximum when the window opens (measure-phases.ts).
    reconnectBackoffMaxMs: Math.round(end.backoffMaxMs),
    connectionsOpened: wire.connectionsOpened,
    bytesSent: wire.bytesSent,
    bytesReceived: wire.bytesReceived,
    reconnects: end.reconnects - start.reconnects,
    resets: end.resets - start.resets,
    requestsPerClientMinute: windowMinutes > 0 ? requests / clients / windowMinutes : 0,
  };
}

/** null with --target: the bench does not own that process. */
function serverCost(s: RunSnapshots, instances: number): ServerCost | null {
  const { baseline, ramp, window, drain } = s;
  const fleet = window.fleet;
  if (!fleet || !baseline.server || !ramp.server) return null;
  const total = fleet.total;
  const inWindow = drain.delivery.deliveredInWindow;
  const connected = connectedClients(s, instances);
  // Client connections only: the socket count from /proc also holds each process's Redis ones.
  const openConnections = Math.max(
    connected,
    total.maxOpenSockets - REDIS_CONNECTIONS_PER_SERVER * instances,
  );
  const lag = window.eventLoopLagGauges;
  return {
    cpuSeconds: total.cpuSeconds,
    cpuUtilization: total.cpuUtilization,
    cpuMsPer1000Deliveries: inWindow > 0 ? (total.cpuSeconds * 1e6) / inWindow : null,
    peakRssBytes: total.peakRssBytes,
    meanRssBytes: total.meanRssBytes,
    rssPerConnectionBytes:
      connected >= 1
        ? Math.max(0, ramp.server.rssBytes - baseline.server.rssBytes) / connected
        : null,
    openConnections,
    openFds: total.maxOpenFds,
    // The worst instance: one stalled process delays its own clients whatever the others do.
    eventLoopDelayP99Ms: lag ? Math.max(...lag) * 1000 : null,
    instances: toInstanceCosts(fleet),
  };
}

/**
 * Client connections the servers held once the clients connected: their own gauge; when a
 * saturated server cannot answer /metrics, its TCP connections from /proc (minus its two Redis
 * connections) stand in.
 */
function connectedClients({ ramp }: RunSnapshots, instances: number): number {
  return (
    ramp.openConnectionsGauges?.reduce((sum, n) => sum + n, 0) ??
    Math.max(0, (ramp.server?.openSockets ?? 0) - REDIS_CONNECTIONS_PER_SERVER * instances)
  );
}

function driverCost({ baseline, ramp, window }: RunSnapshots, clients: number): DriverCost {
  const driver = window.driver;
  return {
    cpuSeconds: driver.cpuSeconds,
    cpuUtilization: driver.cpuUtilization,
    eventLoopDelayP99Ms: driver.eventLoopDelayP99Ms,
    rssBytes: driver.rssBytes,
    rssPerClientBytes:
      clients > 0 ? Math.max(0, ramp.driverRssBytes - baseline.driverRssBytes) / clients : null,
  };
}
