/**
 * Snapshot objects of one clean run (every client connected, nothing lost, no fault), for the
 * judge and result-builder tests: override what a test is about.
 */
import { type ClientStats, createClientStats } from "../../driver/clients/client-context.ts";
import type { FaultOutcome } from "../../faults/fault-run.ts";
import type { ProcessWindowStats } from "../../metrics/process-sampler.ts";
import type { FaultResult } from "../../model/results.ts";
import type { RunSnapshots } from "../snapshots.ts";

export function clientStats(overrides: Partial<ClientStats> = {}): ClientStats {
  return { ...createClientStats(), ...overrides };
}

export function processWindow(overrides: Partial<ProcessWindowStats> = {}): ProcessWindowStats {
  return {
    wallSeconds: 10,
    cpuSeconds: 2,
    cpuUtilization: 0.2,
    peakRssBytes: 80_000_000,
    meanRssBytes: 70_000_000,
    startRssBytes: 60_000_000,
    endRssBytes: 75_000_000,
    maxOpenFds: 130,
    maxOpenSockets: 102,
    samples: 40,
    exited: false,
    ...overrides,
  };
}

/** A clean 10 s window of 100 clients on one instance of ours: 1000 delivered in it. */
export function cleanSnapshots(): RunSnapshots {
  return {
    startedAt: "2026-12-01T07:00:00.000Z",
    baseline: { server: { rssBytes: 50_000_000, openSockets: 2 }, driverRssBytes: 100_000_000 },
    ramp: {
      clients: 100,
      connected: 100,
      allConnected: true,
      graceMs: 15_000,
      server: { rssBytes: 60_000_000, openSockets: 102 },
      openConnectionsGauges: [100],
      driverRssBytes: 110_000_000,
      notes: [],
    },
    window: {
      measuredMs: 10_000.4,
      abortReason: null,
      wire: {
        connectionsOpened: 3,
        bytesSent: 300_000,
        bytesReceived: 700_000,
        openConnections: 100,
      },
      statsStart: clientStats({ requests: 500, emptyResponses: 100, reconnects: 1 }),
      statsEnd: clientStats({ requests: 2500, emptyResponses: 600, reconnects: 3, resets: 0 }),
      fleet: { total: processWindow(), perInstance: [processWindow()] },
      driver: {
        wallSeconds: 10,
        cpuSeconds: 3,
        cpuUtilization: 0.3,
        eventLoopDelayP99Ms: 4,
        eventLoopDelayMaxMs: 9,
        rssBytes: 120_000_000,
      },
      publisherPollingUs: 30_000,
      redisBefore: null,
      redisAfter: null,
      eventLoopLagGauges: [0.012],
      notes: [],
    },
    drain: {
      drainedMs: 35.6,
      publisher: {
        events: 1200,
        published: 1200,
        errors: 0,
        firstError: null,
        maxIssueLagUs: 2_000,
        issueLagP50Us: 300,
        issueLagP99Us: 1_500,
        timerPollingUs: 40_000,
      },
      delivery: {
        published: 1200,
        expected: 1200,
        delivered: 1200,
        lost: 0,
        duplicates: 0,
        reordered: 0,
        skippedByReset: 0,
        deliveredInWindow: 1000,
      },
      latency: {
        count: 1000,
        minUs: 500,
        meanUs: 2_000,
        p50Us: 1_800,
        p90Us: 3_000,
        p99Us: 5_000,
        p999Us: 7_000,
        maxUs: 9_000,
        histogram: "HISTFAKE",
      },
    },
    fault: null,
    receipts: { foreignNotifications: 0, unrecognized: 0 },
    redis: {
      cost: { commands: 5_000, cpuSeconds: 0.5, usedMemoryBytes: 2_000_000, connectedClients: 4 },
      restartedInWindow: false,
    },
  };
}

/** A fault outcome that recovered, for `kind`, with no notes. */
export function faultOutcome(overrides: Partial<FaultResult> = {}): FaultOutcome {
  return {
    result: {
      kind: "redis-blip",
      action:
        "SHUTDOWN SAVE Redis, start it again on the same port with its data: unreachable 2004 ms",
      startMs: 1_500,
      durationMs: 2_000,
      targetedClients: 100,
      disruptedClients: 100,
      reconnectedClients: 100,
      timeToBackMs: 2_500,
      timeToRecoverMs: 2_700,
      recovered: true,
      lost: 0,
      duplicates: 0,
      skippedByReset: 0,
      resets: 0,
      extraRequests: 40,
      extraBytes: 20_000,
      errors: 100,
      publishFailures: 0,
      serverCuts: null,
      cutReasons: [],
      maxBufferedBytes: null,
      bufferBoundBytes: null,
      othersP99BeforeUs: null,
      othersP99DuringUs: null,
      ...overrides,
    },
    failure: null,
    expectedPublishFailures: 0,
    notes: [],
  };
}
