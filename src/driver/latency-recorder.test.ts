import { describe, expect, it } from "vitest";
import {
  decodeHistogram,
  HIGHEST_LATENCY_US,
  summarizeHistogram,
} from "../results/latency-histogram.ts";
import { createManualClock } from "./clock.ts";
import { LatencyRecorder } from "./latency-recorder.ts";

/** HDR with 3 significant digits: any value is within 0.1 % of the true one. */
function expectClose(actual: number | null, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(expected * 0.001 + 1);
}

describe("LatencyRecorder", () => {
  it("records nothing until started and nothing after stop", () => {
    const recorder = new LatencyRecorder();
    expect(recorder.record(100)).toBe(false);
    recorder.start();
    expect(recorder.record(200)).toBe(true);
    recorder.stop();
    expect(recorder.record(300)).toBe(false);
    const stats = recorder.summary();
    expect(stats.count).toBe(1);
    expectClose(stats.p50Us, 200);
  });

  it("known values give known percentiles within HDR precision", () => {
    const recorder = new LatencyRecorder({ measuring: true });
    for (let ms = 1; ms <= 1000; ms++) recorder.record(ms * 1000); // 1 ms .. 1 s
    const stats = recorder.summary();
    expect(stats.count).toBe(1000);
    expectClose(stats.minUs, 1_000);
    expectClose(stats.maxUs, 1_000_000);
    expectClose(stats.meanUs, 500_500);
    expectClose(stats.p50Us, 500_000);
    expectClose(stats.p90Us, 900_000);
    expectClose(stats.p99Us, 990_000);
    expectClose(stats.p999Us, 999_000);
  });

  it("recordSince measures from the injected clock", () => {
    const clock = createManualClock(1_000_000);
    const recorder = new LatencyRecorder({ clock, measuring: true });
    const intendedAtUs = clock.nowUs();
    clock.advance(2_500);
    recorder.recordSince(intendedAtUs);
    clock.advance(7_500);
    recorder.recordSince(intendedAtUs);
    const stats = recorder.summary();
    expectClose(stats.minUs, 2_500);
    expectClose(stats.maxUs, 10_000);
  });

  it("clamps out-of-range values instead of throwing", () => {
    const recorder = new LatencyRecorder({ measuring: true });
    recorder.record(-5); // clock noise: counted as the smallest latency
    recorder.record(0.2);
    recorder.record(HIGHEST_LATENCY_US * 10);
    expect(recorder.record(Number.NaN)).toBe(false);
    const stats = recorder.summary();
    expect(stats.count).toBe(3);
    expect(stats.minUs).toBe(1);
    expectClose(stats.maxUs, HIGHEST_LATENCY_US);
  });

  it("an empty histogram gives nulls and still encodes", () => {
    const stats = new LatencyRecorder().summary();
    expect(stats).toMatchObject({
      count: 0,
      minUs: null,
      meanUs: null,
      p50Us: null,
      p90Us: null,
      p99Us: null,
      p999Us: null,
      maxUs: null,
    });
    expect(decodeHistogram(stats.histogram).totalCount).toBe(0);
  });

  it("encode/decode round-trips: same count and percentiles, and decoded runs merge", () => {
    const recorder = new LatencyRecorder({ measuring: true });
    for (const us of [120, 450, 450, 9_000, 33_000, 1_200_000]) recorder.record(us);
    const stats = recorder.summary();
    const decoded = decodeHistogram(stats.histogram);
    const again = summarizeHistogram(decoded);
    expect(again).toEqual(stats);

    decoded.add(decodeHistogram(stats.histogram));
    expect(decoded.totalCount).toBe(12);
    expect(decoded.getValueAtPercentile(50)).toBe(stats.p50Us);
  });
});
