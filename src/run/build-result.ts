/**
 * A run's RunResult from its snapshots and the judge's verdict: a pure function. Window
 * figures are differences of the counters at the window's edges; per-connection and
 * per-delivered ratios are null (not measurable) when their denominator is zero.
 */

import { OUR_HEARTBEAT_MS } from "../cli/client-bound-flags.ts";
import type { EnergyOptions } from "../cli/energy-flags.ts";
import { diffErrorsByReason } from "../driver/clients/client-context.ts";
import type { PublisherStats } from "../driver/publisher.ts";
import {
  DEFAULT_RADIO_PROFILE_ID,
  RADIO_PROFILES,
  type RadioProfile,
  resolveRadioProfile,
} from "../energy/radio-profiles.ts";
import { runEnergy } from "../energy/run-energy.ts";
import { REDIS_CONNECTIONS_PER_SERVER, toInstanceCosts } from "../fleet/server-fleet.ts";
import type {
  DeliveryPathResult,
  DriverCost,
  HttpStats,
  PublisherLag,
  RadioEnergy,
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

/** What the radio energy estimate assumes (`--radio-profile`, `--radio-tail-ms`, `--heartbeat-ms`). */
export interface EnergyAssumptions {
  profile: RadioProfile;
  /** The servers' heartbeat interval, ms; null when the servers are not ours (--target). */
  heartbeatMs: number | null;
}

export const DEFAULT_ENERGY_ASSUMPTIONS: EnergyAssumptions = {
  profile: RADIO_PROFILES[DEFAULT_RADIO_PROFILE_ID],
  heartbeatMs: OUR_HEARTBEAT_MS,
};

/** The assumptions the bench flags ask for (`--radio-profile`, `--radio-tail-ms`, `--heartbeat-ms`). */
export function energyAssumptions(options: EnergyOptions): EnergyAssumptions {
  return {
    profile: resolveRadioProfile(options.radioProfile, options.radioTailMs),
    heartbeatMs: options.heartbeatMs ?? OUR_HEARTBEAT_MS,
  };
}

export function buildResult(
  run: RunIdentity,
  s: RunSnapshots,
  verdict: Verdict,
  energy: EnergyAssumptions = DEFAULT_ENERGY_ASSUMPTIONS,
): RunResult {
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
    energy: radioEnergy(s, run.params.clients, energy),
    ...(s.window.delivery ? { deliveryPath: deliveryPathResult(s) } : {}),
  };
}

/**
 * The sampled clients' radio energy; null when no timeline was recorded, or when the window's
 * bytes went on the wire but none through a sampled client's own sockets (a transport shared by
 * all clients, such as one HTTP/2 session pool, leaves nothing to attribute to one phone).
 */
function radioEnergy(
  { window, drain }: RunSnapshots,
  clients: number,
  assumptions: EnergyAssumptions,
): RadioEnergy | null {
  const timelines = window.timelines;
  if (!timelines) return null;
  const recordedBytes = timelines.clients.reduce(
    (sum, c) =>
      sum +
      c.bursts
        .filter((b) => b.atMs >= timelines.fromMs)
        .reduce((s, b) => s + b.bytesUp + b.bytesDown, 0),
    0,
  );
  const wireBytes = window.wire.bytesSent + window.wire.bytesReceived;
  if (recordedBytes === 0 && wireBytes > 0) return null;
  return runEnergy(timelines, {
    profile: assumptions.profile,
    clients,
    deliveredInWindow: drain.delivery.deliveredInWindow,
    heartbeatMs: assumptions.heartbeatMs,
  });
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

/** null with --target, unless --target-pid named the server's processes. */
function serverCost(s: RunSnapshots, instances: number): ServerCost | null {
  const { baseline, ramp, window, drain } = s;
  const fleet = window.fleet;
  if (!fleet || !baseline.server || !ramp.server) return null;
  const total = fleet.total;
  const inWindow = drain.delivery.deliveredInWindow;
  const connected = connectedClients(s, instances);
  // Client connections only: the socket count from /proc also holds each process's Redis ones
  // (an external server's own connections are unknown: the driver's count stands).
  const openConnections = s.ramp.externalServer
    ? connected
    : Math.max(connected, total.maxOpenSockets - REDIS_CONNECTIONS_PER_SERVER * instances);
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
  if (ramp.externalServer) return ramp.connected;
  return (
    ramp.openConnectionsGauges?.reduce((sum, n) => sum + n, 0) ??
    Math.max(0, (ramp.server?.openSockets ?? 0) - REDIS_CONNECTIONS_PER_SERVER * instances)
  );
}

function driverCost({ baseline, ramp, window, drain }: RunSnapshots, clients: number): DriverCost {
  const driver = window.driver;
  return {
    ...(drain.workers ? { workers: drain.workers } : {}),
    cpuSeconds: driver.cpuSeconds,
    cpuUtilization: driver.cpuUtilization,
    eventLoopDelayP99Ms: driver.eventLoopDelayP99Ms,
    rssBytes: driver.rssBytes,
    rssPerClientBytes:
      clients > 0 ? Math.max(0, ramp.driverRssBytes - baseline.driverRssBytes) / clients : null,
  };
}

/** The delivery path and its window costs; only called when the window recorded one. */
function deliveryPathResult(s: RunSnapshots): DeliveryPathResult {
  const delivery = s.window.delivery;
  if (delivery === undefined) throw new Error("deliveryPathResult: no delivery path recorded");
  const inWindow = s.drain.delivery.deliveredInWindow;
  const { path, proxy, transport } = delivery;
  const handshakes = transport.tlsFullHandshakes + transport.tlsResumedHandshakes;
  return {
    path: { ...path },
    proxy:
      path.proxy === "none" || proxy === null
        ? null
        : {
            cpuSeconds: proxy.cpuSeconds,
            cpuUtilization: proxy.cpuUtilization,
            cpuMsPer1000Deliveries: inWindow > 0 ? (proxy.cpuSeconds * 1e6) / inWindow : null,
            peakRssBytes: proxy.peakRssBytes,
            meanRssBytes: proxy.meanRssBytes,
            maxOpenSockets: proxy.maxOpenSockets,
            processes: proxy.processes,
          },
    tls: path.tls
      ? {
          full: transport.tlsFullHandshakes,
          resumed: transport.tlsResumedHandshakes,
          perDelivered: inWindow > 0 ? handshakes / inWindow : null,
        }
      : null,
    h2: path.http2
      ? {
          sessionsOpened: transport.h2SessionsOpened,
          streamsOpened: transport.h2StreamsOpened,
          maxConcurrentStreams: transport.h2MaxConcurrentStreams,
          openSessions: delivery.h2OpenSessions,
        }
      : null,
  };
}
