/**
 * Latency CDF per strategy, read from an encoded HDR histogram (log x axis), so the whole
 * distribution is visible, not only the few stored percentiles. With repetitions the histogram
 * is the group's pooled one (every valid run's receipts merged, `RunSummary.pooledLatency`).
 */
import { decodeFromCompressedBase64 } from "hdr-histogram-js";
import { STRATEGY_COLORS } from "../model/palette.ts";
import type { RunGroup } from "../model/run-groups.ts";
import { type ChartSpec, chartSpec, lineStyle, slug, valueAxis } from "./chart-spec.ts";
import { groupLatency, pooledSubtitle } from "./latency-percentiles.ts";

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
  groups: readonly RunGroup[],
): ChartSpec | null {
  const datasets = groups
    .flatMap((group) => {
      // A run without a recorded histogram (a k6 import) has no distribution to draw.
      const histogram = groupLatency(group)?.histogram ?? null;
      return histogram === null ? [] : [{ group, histogram }];
    })
    .map(({ group, histogram }) => ({
      label: group.strategy,
      data: histogramToCdfPoints(histogram),
      ...lineStyle(STRATEGY_COLORS[group.strategy], 0),
    }))
    .filter((d) => d.data.length > 0);
  if (datasets.length === 0) return null;
  const title = `${scenario}: latency distribution (CDF)`;
  return chartSpec({
    id: `${slug(scenario)}-latency-cdf`,
    scenario,
    title,
    subtitle: pooledSubtitle(groups),
    key: false,
    type: "line",
    data: { datasets },
    legend: true,
    scales: {
      x: valueAxis({ title: "publish-to-receive latency (ms, log scale)", log: true }),
      y: valueAxis({ title: "deliveries at or below (%)", log: false, min: 0, max: 100 }),
    },
  });
}
