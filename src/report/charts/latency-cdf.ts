/**
 * Latency CDF per strategy, read from the encoded HDR histogram of each run (log x axis), so the
 * whole distribution is visible, not only the few stored percentiles.
 */
import { decodeFromCompressedBase64 } from "hdr-histogram-js";
import type { RunResult } from "../../model/results.ts";
import { STRATEGY_COLORS } from "../palette.ts";
import { basePlugins, type ChartSpec, slug, valueAxis } from "./chart-spec.ts";

/** Percentiles sampled along the curve: dense in the middle, finer in the tail where it matters. */
export const CDF_PERCENTILES: readonly number[] = [
  0.1,
  0.5,
  1,
  2,
  5,
  ...Array.from({ length: 18 }, (_, i) => 10 + i * 5),
  97,
  98,
  99,
  99.5,
  99.9,
  99.99,
  100,
];

/**
 * Decodes a histogram string into CDF points {x: latency ms, y: percentile}.
 * Returns [] for an empty or undecodable histogram (the chart then skips that strategy).
 */
export function histogramToCdfPoints(encoded: string): { x: number; y: number }[] {
  if (encoded === "") return [];
  let histogram: ReturnType<typeof decodeFromCompressedBase64>;
  try {
    histogram = decodeFromCompressedBase64(encoded);
  } catch {
    return [];
  }
  try {
    if (histogram.totalCount === 0) return [];
    const points: { x: number; y: number }[] = [];
    for (const percentile of CDF_PERCENTILES) {
      // a log axis cannot show 0; HDR values are whole microseconds, so 1 µs is the floor
      const us = Math.max(1, histogram.getValueAtPercentile(percentile));
      points.push({ x: us / 1000, y: percentile });
    }
    return points;
  } finally {
    histogram.destroy();
  }
}

/** One line per strategy: x = latency (ms, log), y = share of deliveries at or below it (%). */
export function buildLatencyCdfChart(
  scenario: string,
  runs: readonly RunResult[],
): ChartSpec | null {
  const datasets = runs
    // A run without a recorded histogram (a k6 import) has no distribution to draw.
    .filter(
      (run): run is RunResult & { latency: { histogram: string } } =>
        run.latency.histogram !== null,
    )
    .map((run) => ({
      label: run.strategy,
      data: histogramToCdfPoints(run.latency.histogram),
      borderColor: STRATEGY_COLORS[run.strategy],
      backgroundColor: STRATEGY_COLORS[run.strategy],
      borderWidth: 2,
      pointRadius: 0,
      fill: false,
    }))
    .filter((d) => d.data.length > 0);
  if (datasets.length === 0) return null;
  const title = `${scenario}: latency distribution (CDF)`;
  return {
    id: `${slug(scenario)}-latency-cdf`,
    scenario,
    title,
    key: false,
    config: {
      type: "line",
      data: { datasets },
      options: {
        animation: false,
        plugins: basePlugins(title, true),
        scales: {
          x: valueAxis({ title: "publish-to-receive latency (ms, log scale)", log: true }),
          y: valueAxis({ title: "deliveries at or below (%)", log: false, min: 0, max: 100 }),
        },
      },
    },
  };
}
