/**
 * Test helper: a RunResult with just the figures a test cares about, the rest plausible and
 * fixed. For the pure bench modules (sampling decisions, the summary table), which read only
 * headline figures, validity and the run's identity.
 */
import type { RunResult } from "../../model/results.ts";
import type { StrategyId } from "../../model/strategies.ts";

export interface FakeRunSpec {
  strategy: StrategyId;
  repetition?: number;
  scenario?: string;
  step?: RunResult["step"];
  valid?: boolean;
  /** ms; null = nothing delivered in the window. */
  p50Ms?: number | null;
  p99Ms?: number | null;
  requestsPerDelivered?: number | null;
  bytesPerDelivered?: number | null;
  cpuMsPer1000?: number | null;
  rssPerConnectionBytes?: number | null;
  lost?: number;
}

export function fakeRun(spec: FakeRunSpec): RunResult {
  const p50Ms = spec.p50Ms === undefined ? 2 : spec.p50Ms;
  const p99Ms = spec.p99Ms === undefined ? (p50Ms === null ? null : p50Ms * 3) : spec.p99Ms;
  const us = (ms: number | null): number | null => (ms === null ? null : Math.round(ms * 1000));
  const valid = spec.valid ?? true;
  return {
    scenario: spec.scenario ?? "steady",
    step: spec.step ?? null,
    strategy: spec.strategy,
    repetition: spec.repetition ?? 1,
    params: {
      clients: 100,
      ratePerSec: 0.2,
      publishModel: "poisson",
      fanout: "per-user",
      shortPollIntervalMs: 1000,
      jitterRatio: 0.1,
      longPollHoldMs: 25_000,
      rampMs: 500,
      warmupMs: 500,
      durationMs: 5000,
      drainMs: 2000,
      payloadBytes: 256,
      instances: 1,
    },
    valid,
    invalidReasons: valid ? [] : ["the driver was saturated"],
    warnings: [],
    timing: { startedAt: "2026-01-01T00:00:00.000Z", measuredMs: 5000, drainedMs: 10 },
    delivery: {
      published: 100,
      expected: 100,
      delivered: 100 - (spec.lost ?? 0),
      lost: spec.lost ?? 0,
      duplicates: 0,
      reordered: 0,
      skippedByReset: 0,
      deliveredInWindow: 100,
    },
    latency: {
      count: p50Ms === null ? 0 : 100,
      minUs: us(p50Ms === null ? null : p50Ms / 2),
      meanUs: us(p50Ms),
      p50Us: us(p50Ms),
      p90Us: us(p99Ms),
      p99Us: us(p99Ms),
      p999Us: us(p99Ms),
      maxUs: us(p99Ms),
      histogram: null,
    },
    http: {
      requests: 200,
      emptyResponses: 100,
      errors: 0,
      errorsByReason: {},
      backoffs: 0,
      reconnectBackoffMaxMs: 0,
      connectionsOpened: 100,
      bytesSent: 20_000,
      bytesReceived: 60_000,
      reconnects: 0,
      resets: 0,
      requestsPerClientMinute: 24,
    },
    perDelivered: {
      requests: spec.requestsPerDelivered === undefined ? 2 : spec.requestsPerDelivered,
      bytes: spec.bytesPerDelivered === undefined ? 800 : spec.bytesPerDelivered,
    },
    server: {
      cpuSeconds: 0.1,
      cpuUtilization: 0.02,
      cpuMsPer1000Deliveries: spec.cpuMsPer1000 === undefined ? 50 : spec.cpuMsPer1000,
      peakRssBytes: 80_000_000,
      meanRssBytes: 75_000_000,
      rssPerConnectionBytes:
        spec.rssPerConnectionBytes === undefined ? 20_000 : spec.rssPerConnectionBytes,
      openConnections: 100,
      openFds: 120,
      eventLoopDelayP99Ms: 2,
      instances: [{ cpuSeconds: 0.1, peakRssBytes: 80_000_000, maxOpenSockets: 102 }],
    },
    redis: { commands: 1000, cpuSeconds: 0.01, usedMemoryBytes: 1_000_000, connectedClients: 3 },
    driver: {
      cpuSeconds: 0.2,
      cpuUtilization: 0.04,
      eventLoopDelayP99Ms: 3,
      rssBytes: 90_000_000,
      rssPerClientBytes: 1000,
    },
    fault: null,
    publisher: null,
    energy: null,
  };
}
