/** Latency percentiles per strategy (p50/p90/p99/max) as grouped bars on a log axis. */
import type { RunResult } from "../../model/results.ts";
import { STRATEGY_COLORS, strategyFill } from "../palette.ts";
import {
  basePlugins,
  type ChartSpec,
  categoryAxis,
  slug,
  spansDecades,
  valueAxis,
} from "./chart-spec.ts";

const PERCENTILES: readonly { label: string; read: (run: RunResult) => number | null }[] = [
  { label: "p50", read: (r) => r.latency.p50Us },
  { label: "p90", read: (r) => r.latency.p90Us },
  { label: "p99", read: (r) => r.latency.p99Us },
  { label: "max", read: (r) => r.latency.maxUs },
];

/**
 * One bar group per percentile, one bar per strategy. `runs` are the runs of one scenario step
 * (one per strategy). Returns null when no run has a latency to show.
 */
export function buildLatencyPercentilesChart(
  scenario: string,
  runs: readonly RunResult[],
): ChartSpec | null {
  const datasets = runs.map((run) => ({
    label: run.strategy,
    // null bars are left out (skipNull), never drawn as zero
    data: PERCENTILES.map((p) => {
      const us = p.read(run);
      return us === null ? null : us / 1000;
    }),
    backgroundColor: strategyFill(run.strategy, 0.85),
    borderColor: STRATEGY_COLORS[run.strategy],
    borderWidth: 1,
    skipNull: true,
  }));
  const values = datasets.flatMap((d) => d.data).filter((v): v is number => v !== null && v > 0);
  if (values.length === 0) return null;
  const title = `${scenario}: latency percentiles`;
  return {
    id: `${slug(scenario)}-latency-percentiles`,
    scenario,
    title,
    key: true,
    config: {
      type: "bar",
      data: { labels: PERCENTILES.map((p) => p.label), datasets },
      options: {
        animation: false,
        plugins: basePlugins(title, true),
        scales: {
          x: categoryAxis("percentile"),
          y: valueAxis(
            { title: "publish-to-receive latency (ms)", log: spansDecades(values) },
            values,
          ),
        },
      },
    },
  };
}
