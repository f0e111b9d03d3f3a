/**
 * The workers' figures merged into one run's, exactly: counters summed, latency histograms
 * added (so percentiles are the pooled receipts', not an average of percentiles), ledgers
 * summed (each user lives in one worker, so the per-user verdicts never overlap), timelines
 * concatenated, and the driver's health judged by its busiest process (each is one event loop:
 * any one of them saturated makes the latencies it recorded suspect).
 */

import {
  type ClientStats,
  countError,
  createClientStats,
} from "../../driver/clients/client-context.ts";
import type { TimelineWindow } from "../../driver/traffic-timeline.ts";
import type { TransportStats } from "../../driver/transport-stats.ts";
import type { WireSnapshot } from "../../driver/wire-counter.ts";
import type { SelfCheckResult } from "../../metrics/driver-self-check.ts";
import type { DeliveryStats } from "../../model/results.ts";
import { mergeHistograms } from "../../results/latency-histogram.ts";
import type { WorkerFinal } from "./protocol.ts";

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

export function mergeClientStats(parts: readonly ClientStats[]): ClientStats {
  const out = createClientStats();
  for (const part of parts) {
    out.requests += part.requests;
    out.emptyResponses += part.emptyResponses;
    out.backoffs += part.backoffs;
    out.backoffMaxMs = Math.max(out.backoffMaxMs, part.backoffMaxMs);
    out.reconnects += part.reconnects;
    out.staleSocketRetries += part.staleSocketRetries;
    out.foreignNotifications += part.foreignNotifications;
    out.resets += part.resets;
    // through countError, so the merged reasons keep the same bound as one process's
    for (const [reason, count] of Object.entries(part.errorsByReason)) {
      for (let i = 0; i < count; i++) countError(out, reason);
    }
    // errors a worker counted without a reason (none today) still count
    out.errors += part.errors - sum(Object.values(part.errorsByReason));
  }
  return out;
}

export function mergeWire(parts: readonly WireSnapshot[]): WireSnapshot {
  return {
    connectionsOpened: sum(parts.map((p) => p.connectionsOpened)),
    bytesSent: sum(parts.map((p) => p.bytesSent)),
    bytesReceived: sum(parts.map((p) => p.bytesReceived)),
    openConnections: sum(parts.map((p) => p.openConnections)),
  };
}

export function mergeTransport(parts: readonly TransportStats[]): TransportStats {
  return {
    tlsFullHandshakes: sum(parts.map((p) => p.tlsFullHandshakes)),
    tlsResumedHandshakes: sum(parts.map((p) => p.tlsResumedHandshakes)),
    h2SessionsOpened: sum(parts.map((p) => p.h2SessionsOpened)),
    h2StreamsOpened: sum(parts.map((p) => p.h2StreamsOpened)),
    // each worker has its own sessions: the most one session carried is the largest of theirs
    h2MaxConcurrentStreams: Math.max(0, ...parts.map((p) => p.h2MaxConcurrentStreams)),
  };
}

/** Every worker's sampled clients in one window (the earliest opening, the latest closing). */
export function mergeTimelines(parts: readonly TimelineWindow[]): TimelineWindow {
  if (parts.length === 0) return { fromMs: 0, toMs: 0, clients: [] };
  return {
    fromMs: Math.min(...parts.map((p) => p.fromMs)),
    toMs: Math.max(...parts.map((p) => p.toMs)),
    clients: parts.flatMap((p) => p.clients).sort((a, b) => a.clientIndex - b.clientIndex),
  };
}

/**
 * The driver's health over every process of it: CPU seconds and RSS summed, utilisation and
 * event-loop delay the busiest process's (the validity limits are per event loop).
 */
export function mergeChecks(parts: readonly SelfCheckResult[]): SelfCheckResult {
  if (parts.length === 0) throw new Error("mergeChecks needs at least one self-check");
  return {
    wallSeconds: Math.max(...parts.map((p) => p.wallSeconds)),
    cpuSeconds: sum(parts.map((p) => p.cpuSeconds)),
    cpuUtilization: Math.max(...parts.map((p) => p.cpuUtilization)),
    eventLoopDelayP99Ms: Math.max(...parts.map((p) => p.eventLoopDelayP99Ms)),
    eventLoopDelayMaxMs: Math.max(...parts.map((p) => p.eventLoopDelayMaxMs)),
    rssBytes: sum(parts.map((p) => p.rssBytes)),
  };
}

export function mergeDelivery(parts: readonly DeliveryStats[]): DeliveryStats {
  const field = (key: keyof DeliveryStats): number => sum(parts.map((p) => p[key]));
  return {
    published: field("published"),
    expected: field("expected"),
    delivered: field("delivered"),
    lost: field("lost"),
    duplicates: field("duplicates"),
    reordered: field("reordered"),
    skippedByReset: field("skippedByReset"),
    deliveredInWindow: field("deliveredInWindow"),
  };
}

/** The workers' ledgers, histograms and receipt counts as one run's. */
export function mergeFinals(parts: readonly WorkerFinal[]): WorkerFinal {
  const latency = mergeHistograms(parts.map((p) => p.latency.histogram));
  if (latency === null) throw new Error("mergeFinals needs at least one worker's final figures");
  return {
    delivery: mergeDelivery(parts.map((p) => p.delivery)),
    latency,
    foreignNotifications: sum(parts.map((p) => p.foreignNotifications)),
    unrecognized: sum(parts.map((p) => p.unrecognized)),
  };
}
