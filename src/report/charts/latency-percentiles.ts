/**
 * Latency percentiles per strategy (p50/p90/p99/max) as grouped bars on a log axis. With
 * repetitions they are the pooled percentiles of each group (`RunSummary.pooledLatency`: every
 * valid run's receipts merged into one histogram), which describe the whole distribution a user
 * meets; the per-run p50 and p99 with their intervals are in the verdict table.
 */
import type { LatencyStats } from "../../model/latency-stats.ts";
import { STRATEGY_COLORS, strategyFill } from "../model/palette.ts";
import type { RunGroup } from "../model/run-groups.ts";
import {
  type ChartSpec,
  categoryAxis,
  chartSpec,
  slug,
  spansDecades,
  valueAxis,
} from "./chart-spec.ts";

const PERCENTILES: readonly { label: string; read: (latency: LatencyStats) => number | null }[] = [
  { label: "p50", read: (l) => l.p50Us },
  { label: "p90", read: (l) => l.p90Us },
  { label: "p99", read: (l) => l.p99Us },
  { label: "max", read: (l) => l.maxUs },
];

/**
 * The latency a group's charts show: the pooled latency of its valid runs when it has several
 * (null when they recorded no histogram, e.g. k6 imports), the run's own for a single valid run,
 * or (a group without a valid run) its first run's, as single runs always showed.
 */
export function groupLatency(group: RunGroup): LatencyStats | null {
  if (group.valid.length > 1) return group.summary.pooledLatency;
  return (group.valid[0] ?? group.runs[0])?.latency ?? null;
}

/** "pooled: the receipts of 3 runs merged per strategy"; null for single runs. */
export function pooledSubtitle(groups: readonly RunGroup[]): string | null {
  const counts = [...new Set(groups.map((g) => g.valid.length))].sort((a, b) => a - b);
  if (counts.every((n) => n <= 1)) return null;
  const runs =
    counts.length === 1 ? `${counts[0]} runs` : `${counts[0]}-${counts.at(-1)} valid runs`;
  return `pooled: the receipts of ${runs} merged per strategy`;
}

/**
 * One bar group per percentile, one bar per strategy. `groups` are the groups of one scenario
 * step (one per strategy). Returns null when no group has a latency to show.
 */
export function buildLatencyPercentilesChart(
  scenario: string,
  groups: readonly RunGroup[],
): ChartSpec | null {
  const datasets = groups.map((group) => {
    const latency = groupLatency(group);
    return {
      label: group.strategy,
      // null bars are left out (skipNull), never drawn as zero
      data: PERCENTILES.map((p) => {
        const us = latency === null ? null : p.read(latency);
        return us === null ? null : us / 1000;
      }),
      backgroundColor: strategyFill(group.strategy, 0.85),
      borderColor: STRATEGY_COLORS[group.strategy],
      borderWidth: 1,
      skipNull: true,
    };
  });
  const values = datasets.flatMap((d) => d.data).filter((v): v is number => v !== null && v > 0);
  if (values.length === 0) return null;
  const title = `${scenario}: latency percentiles`;
  return chartSpec({
    id: `${slug(scenario)}-latency-percentiles`,
    scenario,
    title,
    subtitle: pooledSubtitle(groups),
    key: true,
    type: "bar",
    data: { labels: PERCENTILES.map((p) => p.label), datasets },
    legend: true,
    scales: {
      x: categoryAxis("percentile"),
      y: valueAxis({ title: "publish-to-receive latency (ms)", log: spansDecades(values) }, values),
    },
  });
}
