/**
 * Summaries of repetitions: grouping, valid runs only, per-run values kept, intervals from
 * src/stats, pooled latency from the merged histograms (checked against a direct merge).
 */
import { describe, expect, it } from "vitest";
import type { RunResult } from "../model/results.ts";
import {
  createFixtureRun,
  createRandom,
  FIXTURE_BASE_PARAMS,
} from "../report/test-support/fixture.ts";
import { summarize } from "../stats/index.ts";
import { decodeHistogram, mergeHistograms } from "./latency-histogram.ts";
import { figureOf, summarizeRuns } from "./summarize-runs.ts";

function repetitions(strategy: RunResult["strategy"], count: number, seed: number): RunResult[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () =>
    createFixtureRun(
      { scenario: "steady", step: null, strategy, params: FIXTURE_BASE_PARAMS },
      random,
    ),
  );
}

describe("summarizeRuns", () => {
  it("makes one summary per scenario step x strategy, in first-seen order", () => {
    const sse = repetitions("sse", 3, 1);
    const lp = repetitions("long-polling", 3, 2);
    // Interleaved, as the bench runs them.
    const runs = [sse[0], lp[0], sse[1], lp[1], sse[2], lp[2]] as RunResult[];
    const summaries = summarizeRuns(runs);
    expect(summaries.map((s) => [s.strategy, s.runs, s.validRuns])).toEqual([
      ["sse", 3, 3],
      ["long-polling", 3, 3],
    ]);
  });

  it("keeps the per-run values and the t interval of their mean", () => {
    const runs = repetitions("sse", 4, 3);
    const [summary] = summarizeRuns(runs);
    const p50s = runs.map((run) => (run.latency.p50Us as number) / 1000);
    const expected = summarize(p50s);
    expect(summary?.figures.latencyP50Ms).toEqual({
      n: 4,
      mean: expected.mean,
      lo: expected.lo,
      hi: expected.hi,
      values: p50s,
    });
    expect(summary?.figures.latencyP50Ms?.lo).toBeLessThan(expected.mean);
  });

  it("leaves invalid runs out of every figure and the pooled latency", () => {
    const runs = repetitions("sse", 3, 4);
    const broken = {
      ...(runs[1] as RunResult),
      valid: false,
      invalidReasons: ["driver saturated"],
    };
    const [summary] = summarizeRuns([runs[0] as RunResult, broken, runs[2] as RunResult]);
    expect(summary?.runs).toBe(3);
    expect(summary?.validRuns).toBe(2);
    expect(summary?.figures.latencyP99Ms?.values).toEqual([
      figureOf(runs[0] as RunResult, "latencyP99Ms"),
      figureOf(runs[2] as RunResult, "latencyP99Ms"),
    ]);
    const counted = (run: RunResult | undefined): number =>
      decodeHistogram(run?.latency.histogram as string).totalCount;
    expect(summary?.pooledLatency?.count).toBe(counted(runs[0]) + counted(runs[2]));
  });

  it("gives one run a figure without an interval, and a figure no run has null", () => {
    const [summary] = summarizeRuns(repetitions("short-polling", 1, 5));
    expect(summary?.figures.requestsPerDelivered?.n).toBe(1);
    expect(summary?.figures.requestsPerDelivered?.lo).toBeNull();
    expect(summary?.figures.requestsPerDelivered?.hi).toBeNull();
    // Sunny-day runs have no fault: nothing to recover from.
    expect(summary?.figures.timeToRecoverMs).toBeNull();
  });

  it("pools latency by adding histograms: every receipt weighs the same", () => {
    const runs = repetitions("long-polling", 3, 6);
    const [summary] = summarizeRuns(runs);
    const encoded = runs.map((run) => run.latency.histogram as string);
    const merged = mergeHistograms(encoded);
    expect(summary?.pooledLatency).toEqual(merged);
    const direct = decodeHistogram(encoded[0] as string);
    for (const item of encoded.slice(1)) direct.add(decodeHistogram(item));
    expect(summary?.pooledLatency?.p99Us).toBe(direct.getValueAtPercentile(99));
    expect(summary?.pooledLatency?.count).toBe(direct.totalCount);
  });

  it("is empty for no runs", () => {
    expect(summarizeRuns([])).toEqual([]);
    expect(mergeHistograms([])).toBeNull();
  });

  it("folds the estimated radio energy per user-hour like the other headline figures", () => {
    const runs = repetitions("short-polling", 3, 5);
    runs.forEach((run, i) => {
      if (run.energy) run.energy = { ...run.energy, energyPerUserHourJ: 3900 + 10 * i };
    });
    const [summary] = summarizeRuns(runs);
    expect(summary?.figures.radioEnergyPerUserHourJ?.values).toEqual([3900, 3910, 3920]);
    expect(summary?.figures.radioEnergyPerUserHourJ?.mean).toBeCloseTo(3910, 9);
    const noEstimate = runs.map((run) => ({ ...run, energy: null }));
    expect(figureOf(noEstimate[0] as RunResult, "radioEnergyPerUserHourJ")).toBeNull();
    expect(summarizeRuns(noEstimate)[0]?.figures.radioEnergyPerUserHourJ).toBeNull();
  });
});
