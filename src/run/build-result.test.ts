import { describe, expect, it } from "vitest";
import { getScenario } from "../../scenarios/index.ts";
import { replayRadio } from "../energy/radio-model.ts";
import { RADIO_PROFILES, withTailMs } from "../energy/radio-profiles.ts";
import { buildResult, type RunIdentity } from "./build-result.ts";
import type { Verdict } from "./judge.ts";
import {
  cleanSnapshots,
  clientStats,
  faultOutcome,
  processWindow,
} from "./test-support/snapshots.ts";

const run: RunIdentity = {
  scenario: "steady",
  step: null,
  strategy: "sse",
  repetition: 2,
  params: { ...getScenario("steady").params, clients: 100, instances: 1 },
};
const verdict: Verdict = { valid: true, invalidReasons: [], warnings: ["w"] };

describe("buildResult", () => {
  it("turns the window's edge counters into the result's figures", () => {
    const result = buildResult(run, cleanSnapshots(), verdict);
    expect(result).toMatchObject({
      scenario: "steady",
      step: null,
      strategy: "sse",
      repetition: 2,
      params: run.params,
      valid: true,
      invalidReasons: [],
      warnings: ["w"],
      timing: { startedAt: "2026-12-01T07:00:00.000Z", measuredMs: 10_000, drainedMs: 36 },
      delivery: { delivered: 1200, deliveredInWindow: 1000 },
      latency: { count: 1000, p99Us: 5_000, histogram: "HISTFAKE" },
      perDelivered: { requests: 2, bytes: 1000 },
      redis: { commands: 5_000, cpuSeconds: 0.5, usedMemoryBytes: 2_000_000, connectedClients: 4 },
      fault: null,
      publisher: { events: 1200, issueLagP50Us: 300, issueLagP99Us: 1_500, issueLagMaxUs: 2_000 },
    });
    expect(result.http).toEqual({
      requests: 2000,
      emptyResponses: 500,
      errors: 0,
      errorsByReason: {},
      backoffs: 0,
      reconnectBackoffMaxMs: 0,
      connectionsOpened: 3,
      bytesSent: 300_000,
      bytesReceived: 700_000,
      reconnects: 2,
      resets: 0,
      requestsPerClientMinute: 2000 / 100 / (10_000.4 / 60_000),
    });
    expect(result.server).toEqual({
      cpuSeconds: 2,
      cpuUtilization: 0.2,
      cpuMsPer1000Deliveries: 2000,
      peakRssBytes: 80_000_000,
      meanRssBytes: 70_000_000,
      rssPerConnectionBytes: 100_000,
      openConnections: 100,
      openFds: 130,
      eventLoopDelayP99Ms: 12,
      instances: [{ cpuSeconds: 2, peakRssBytes: 80_000_000, maxOpenSockets: 102 }],
    });
    expect(result.driver).toEqual({
      cpuSeconds: 3,
      cpuUtilization: 0.3,
      eventLoopDelayP99Ms: 4,
      rssBytes: 120_000_000,
      rssPerClientBytes: 100_000,
    });
  });

  it("has no RSS per connection with 0 connections, and counts sockets past the gauge", () => {
    const s = cleanSnapshots();
    s.ramp.openConnectionsGauges = [0];
    const server = buildResult(run, s, verdict).server;
    expect(server?.rssPerConnectionBytes).toBeNull();
    // The window's peak sockets (minus the two Redis connections) still show 100 clients.
    expect(server?.openConnections).toBe(100);
  });

  it("falls back to /proc sockets minus Redis connections when a server did not answer", () => {
    const s = cleanSnapshots();
    s.ramp.openConnectionsGauges = null;
    s.ramp.server = { rssBytes: 60_000_000, openSockets: 52 };
    s.window.fleet = { total: processWindow({ maxOpenSockets: 12 }), perInstance: [] };
    const server = buildResult(run, s, verdict).server;
    expect(server?.rssPerConnectionBytes).toBe(10_000_000 / 50);
    expect(server?.openConnections).toBe(50);
  });

  it("has no per-delivered figures with 0 delivered in the window", () => {
    const s = cleanSnapshots();
    s.drain.delivery = { ...s.drain.delivery, delivered: 0, deliveredInWindow: 0 };
    const result = buildResult(run, s, verdict);
    expect(result.perDelivered).toEqual({ requests: null, bytes: null });
    expect(result.server?.cpuMsPer1000Deliveries).toBeNull();
  });

  it("has no server or Redis cost against --target, and no event-loop figure unread", () => {
    const s = cleanSnapshots();
    s.window.eventLoopLagGauges = null;
    expect(buildResult(run, s, verdict).server?.eventLoopDelayP99Ms).toBeNull();
    s.baseline.server = null;
    s.ramp.server = null;
    s.window.fleet = null;
    s.redis = { cost: null, restartedInWindow: false };
    const result = buildResult(run, s, verdict);
    expect(result.server).toBeNull();
    expect(result.redis).toBeNull();
  });

  it("has no request rate for an empty window and no RSS per client without clients", () => {
    const s = cleanSnapshots();
    s.window.measuredMs = 0;
    expect(buildResult(run, s, verdict).http.requestsPerClientMinute).toBe(0);
    const none = buildResult({ ...run, params: { ...run.params, clients: 0 } }, s, verdict);
    expect(none.driver?.rssPerClientBytes).toBeNull();
  });

  it("counts errors by reason and backoffs over the window only", () => {
    const s = cleanSnapshots();
    s.window.statsStart = clientStats({
      errors: 3,
      errorsByReason: { "HTTP 503": 2, "network error: stream cut": 1 },
      backoffs: 1,
      backoffMaxMs: 9_000,
    });
    s.window.statsEnd = clientStats({
      errors: 8,
      errorsByReason: { "HTTP 503": 6, "network error: stream cut": 1, "SSE event over 1 MiB": 1 },
      backoffs: 4,
      backoffMaxMs: 3_999.6,
    });
    const http = buildResult(run, s, verdict).http;
    expect(http.errors).toBe(5);
    // Reasons that did not occur in the window are left out.
    expect(http.errorsByReason).toEqual({ "HTTP 503": 4, "SSE event over 1 MiB": 1 });
    expect(http.backoffs).toBe(3);
    // A maximum, restarted when the window opened: the end value is the window's.
    expect(http.reconnectBackoffMaxMs).toBe(4_000);
  });

  it("carries the fault result and the verdict", () => {
    const s = cleanSnapshots();
    s.fault = faultOutcome({ publishFailures: 7 });
    const invalid: Verdict = { valid: false, invalidReasons: ["r"], warnings: [] };
    const result = buildResult(run, s, invalid);
    expect(result.fault).toEqual(s.fault.result);
    expect(result).toMatchObject({ valid: false, invalidReasons: ["r"], warnings: [] });
  });

  it("estimates the sampled clients' radio energy with the profile it is given", () => {
    const s = cleanSnapshots();
    // one sampled client polling every second through the 10 s window, one silent
    const polls = Array.from({ length: 10 }, (_, k) => ({
      atMs: 1_000 + 1_000 * k,
      bytesUp: 150,
      bytesDown: 350,
    }));
    s.window.timelines = {
      fromMs: 1_000,
      toMs: 11_000.4,
      clients: [
        { clientIndex: 0, bursts: polls, truncated: false },
        { clientIndex: 50, bursts: [], truncated: false },
      ],
    };
    const lte = RADIO_PROFILES.lte;
    const energy = buildResult(run, s, verdict).energy;
    const pollingJ = replayRadio(lte, polls, { fromMs: 1_000, toMs: 11_000.4 }).energyJ;
    const idleJ = (lte.idlePowerMw * 10_000.4) / 1e6;
    expect(energy).toMatchObject({
      profile: "lte",
      heartbeatMs: 15_000,
      sampledClients: 2,
      windowMs: 10_000.4,
      // 10 s is shorter than two 11.6 s tails: the report says the figures show one tail
      shortWindow: true,
      // 100 clients x the mean client's energy over the 1,000 deliveries in the window
      energyPerDeliveredJ: expect.closeTo((100 * (pollingJ + idleJ)) / 2 / 1000, 9),
      energyPerUserHourJ: expect.closeTo(((pollingJ + idleJ) / 2) * (3_600_000 / 10_000.4), 9),
    });
    const shortTail = buildResult(run, s, verdict, {
      profile: withTailMs(lte, 500),
      heartbeatMs: null,
    }).energy;
    expect(shortTail?.tailMs).toBe(500);
    expect(shortTail?.heartbeatMs).toBeNull();
    expect(shortTail?.energyPerUserHourJ).toBeLessThan(energy?.energyPerUserHourJ ?? 0);
  });

  it("has no energy without timelines, or when the window's bytes went through no sampled socket", () => {
    const s = cleanSnapshots();
    expect(buildResult(run, s, verdict).energy).toBeNull();
    s.window.timelines = {
      fromMs: 0,
      toMs: 10_000,
      clients: [{ clientIndex: 0, bursts: [], truncated: false }],
    };
    // the fixture's window moved 1 MB: a shared transport, nothing attributable to one phone
    expect(buildResult(run, s, verdict).energy).toBeNull();
  });
});
