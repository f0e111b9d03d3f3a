/**
 * A metric against the swept parameter, one line per strategy: the ramp (vs clients) and
 * rate-sweep (vs per-user rate, the crossover chart) charts, and any other sweep.
 */
import type { RunResult } from "../../model/results.ts";
import type { StrategyId } from "../../model/strategies.ts";
import { METRICS, type MetricId } from "../metrics.ts";
import { STRATEGY_COLORS } from "../palette.ts";
import { basePlugins, type ChartSpec, slug, spansDecades, valueAxis } from "./chart-spec.ts";

/** Axis titles (with units) for the parameters scenarios sweep; others fall back to the name. */
const SWEEP_AXIS_TITLES: Readonly<Record<string, string>> = {
  clients: "connected clients",
  ratePerSec: "notifications per user per second",
  shortPollIntervalMs: "short-poll interval (ms)",
  longPollHoldMs: "long-poll hold (ms)",
  payloadBytes: "payload size (bytes)",
};

/** The x-axis title for a swept parameter. */
export function sweepAxisTitle(parameter: string): string {
  return SWEEP_AXIS_TITLES[parameter] ?? parameter;
}

export interface SweepChartOptions {
  /** Chart-name part of the id and title, e.g. "requests per delivery vs rate". */
  name: string;
  key?: boolean;
  /** Force log axes; by default an axis is log when its values span decades. */
  logX?: boolean;
  logY?: boolean;
}

/**
 * Points (step value, metric) per strategy, in step order; runs without a value (null) are
 * skipped so the line joins its measured neighbours. Null when nothing can be drawn.
 */
export function buildSweepLineChart(
  scenario: string,
  parameter: string,
  runs: readonly RunResult[],
  strategies: readonly StrategyId[],
  metricId: MetricId,
  options: SweepChartOptions,
): ChartSpec | null {
  const metric = METRICS[metricId];
  const datasets = strategies
    .map((strategy) => ({
      label: strategy as string,
      data: runs
        .filter((run) => run.strategy === strategy && run.step !== null)
        .map((run) => ({ x: run.step?.value ?? 0, y: metric.chartValue(run) }))
        .filter((p): p is { x: number; y: number } => p.y !== null),
      borderColor: STRATEGY_COLORS[strategy],
      backgroundColor: STRATEGY_COLORS[strategy],
      borderWidth: 2,
      pointRadius: 4,
      fill: false,
    }))
    .filter((d) => d.data.length > 0);
  if (datasets.length === 0) return null;
  const xs = datasets.flatMap((d) => d.data.map((p) => p.x));
  const positiveYs = datasets.flatMap((d) => d.data.map((p) => p.y)).filter((y) => y > 0);
  const logX = (options.logX ?? spansDecades(xs)) && xs.every((x) => x > 0);
  // A log axis cannot show 0 (SSE's requests per delivery, say). Rather than giving up the log
  // scale for everyone, zero points leave the plot and the legend says so: never hidden silently.
  const logY = (options.logY ?? spansDecades(positiveYs)) && positiveYs.length > 0;
  if (logY) {
    for (const dataset of datasets) {
      const zeros = dataset.data.filter((p) => p.y <= 0).length;
      if (zeros === 0) continue;
      dataset.data = dataset.data.filter((p) => p.y > 0);
      dataset.label = `${dataset.label} (0 at ${zeros === runsOf(runs, dataset.label) ? "every step" : `${zeros} steps`}: not on the log axis)`;
    }
  }
  const ys = datasets.flatMap((d) => d.data.map((p) => p.y));
  const title = `${scenario}: ${options.name}`;
  return {
    id: `${slug(scenario)}-${slug(options.name)}`,
    scenario,
    title,
    key: options.key ?? false,
    config: {
      type: "line",
      data: { datasets },
      options: {
        animation: false,
        plugins: basePlugins(title, true),
        scales: {
          x: valueAxis({
            title: `${sweepAxisTitle(parameter)}${logX ? ", log scale" : ""}`,
            log: logX,
          }),
          y: valueAxis({ title: `${metric.axisTitle}${logY ? ", log scale" : ""}`, log: logY }, ys),
        },
      },
    },
  };
}

/** Sweep steps measured for one strategy (the label is still the bare strategy id here). */
function runsOf(runs: readonly RunResult[], strategy: string): number {
  return runs.filter((run) => run.strategy === strategy && run.step !== null).length;
}
