import { describe, expect, it } from "vitest";
import {
  countError,
  createClientStats,
  MAX_ERROR_REASONS,
} from "../../driver/clients/client-context.ts";
import { LatencyRecorder } from "../../driver/latency-recorder.ts";
import type { SelfCheckResult } from "../../metrics/driver-self-check.ts";
import type { DeliveryStats } from "../../model/results.ts";
import {
  mergeChecks,
  mergeClientStats,
  mergeFinals,
  mergeTimelines,
  mergeTransport,
} from "./merge.ts";

function recorded(latenciesUs: number[]) {
  const recorder = new LatencyRecorder({ measuring: true });
  for (const value of latenciesUs) recorder.record(value);
  return recorder.summary();
}

const delivery = (published: number, delivered: number): DeliveryStats => ({
  published,
  expected: published,
  delivered,
  lost: published - delivered,
  duplicates: 0,
  reordered: 0,
  skippedByReset: 0,
  deliveredInWindow: delivered,
});

const check = (cpu: number, delayMs: number, rss: number): SelfCheckResult => ({
  wallSeconds: 10,
  cpuSeconds: cpu * 10,
  cpuUtilization: cpu,
  eventLoopDelayP99Ms: delayMs,
  eventLoopDelayMaxMs: delayMs * 2,
  rssBytes: rss,
});

describe("merging the workers' figures", () => {
  it("pools the latency histograms: percentiles of all receipts, not an average of percentiles", () => {
    // worker A: 99 fast receipts; worker B: 1 slow one. Pooled p99 is fast, max is slow.
    const a = recorded(Array.from({ length: 99 }, () => 1_000));
    const b = recorded([500_000]);
    const merged = mergeFinals([
      { delivery: delivery(99, 99), latency: a, foreignNotifications: 0, unrecognized: 1 },
      { delivery: delivery(2, 1), latency: b, foreignNotifications: 2, unrecognized: 0 },
    ]);
    expect(merged.latency.count).toBe(100);
    expect(merged.latency.p50Us).toBeCloseTo(1_000, -1);
    expect(merged.latency.p99Us).toBeCloseTo(1_000, -1);
    expect(merged.latency.maxUs).toBeGreaterThanOrEqual(499_000);
    expect(merged.delivery).toEqual({ ...delivery(101, 100), deliveredInWindow: 100 });
    expect(merged.foreignNotifications).toBe(2);
    expect(merged.unrecognized).toBe(1);
  });

  it("sums counters and merges error reasons under the same bound as one process", () => {
    const a = createClientStats();
    const b = createClientStats();
    a.requests = 10;
    b.requests = 5;
    a.backoffMaxMs = 300;
    b.backoffMaxMs = 1_200;
    countError(a, "HTTP 503");
    countError(b, "HTTP 503");
    for (let i = 0; i < MAX_ERROR_REASONS + 5; i++) countError(b, `reason ${i}`);
    const merged = mergeClientStats([a, b]);
    expect(merged.requests).toBe(15);
    expect(merged.backoffMaxMs).toBe(1_200); // a maximum, not a sum
    expect(merged.errors).toBe(a.errors + b.errors);
    expect(merged.errorsByReason["HTTP 503"]).toBe(2);
    expect(Object.keys(merged.errorsByReason).length).toBeLessThanOrEqual(MAX_ERROR_REASONS);
    expect(Object.values(merged.errorsByReason).reduce((x, y) => x + y, 0)).toBe(merged.errors);
  });

  it("judges the driver by its busiest process, and sums its CPU seconds and memory", () => {
    const merged = mergeChecks([check(0.2, 1, 100), check(0.95, 3, 200), check(0.5, 120, 300)]);
    expect(merged.cpuUtilization).toBe(0.95);
    expect(merged.eventLoopDelayP99Ms).toBe(120);
    expect(merged.cpuSeconds).toBeCloseTo(16.5, 9);
    expect(merged.rssBytes).toBe(600);
    expect(() => mergeChecks([])).toThrow(/at least one/);
  });

  it("concatenates timelines in the run's client order over the widest window", () => {
    const merged = mergeTimelines([
      { fromMs: 10, toMs: 100, clients: [{ clientIndex: 2, bursts: [], truncated: false }] },
      {
        fromMs: 11,
        toMs: 101,
        clients: [
          { clientIndex: 1, bursts: [], truncated: false },
          { clientIndex: 3, bursts: [], truncated: true },
        ],
      },
    ]);
    expect(merged.fromMs).toBe(10);
    expect(merged.toMs).toBe(101);
    expect(merged.clients.map((c) => c.clientIndex)).toEqual([1, 2, 3]);
  });

  it("sums handshakes and streams; the most concurrent streams is the largest session's", () => {
    const part = (n: number) => ({
      tlsFullHandshakes: n,
      tlsResumedHandshakes: 2 * n,
      h2SessionsOpened: 1,
      h2StreamsOpened: 10 * n,
      h2MaxConcurrentStreams: 5 * n,
    });
    expect(mergeTransport([part(1), part(3)])).toEqual({
      tlsFullHandshakes: 4,
      tlsResumedHandshakes: 8,
      h2SessionsOpened: 2,
      h2StreamsOpened: 40,
      h2MaxConcurrentStreams: 15,
    });
  });
});
