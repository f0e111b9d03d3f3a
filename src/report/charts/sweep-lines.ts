/**
 * A metric against the swept parameter, one line per strategy: the ramp (vs clients) and
 * rate-sweep (vs per-user rate, the crossover chart) charts, and any other sweep. With
 * repetitions each point is a step's mean and a band shows its 95 % interval.
 */
import type { ChartConfiguration } from "chart.js";
import type { StrategyId } from "../../model/strategies.ts";
import { chartFigure } from "../model/figures.ts";
import { METRICS, type MetricId } from "../model/metrics.ts";
import { STRATEGY_COLORS, strategyFill } from "../model/palette.ts";
import type { RunGroup } from "../model/run-groups.ts";
import {
  bandDatasets,
  type ChartSpec,
  chartSpec,
  intervalAxisValues,
  lineStyle,
  logBounds,
  meansOf,
  slug,
  spansDecades,
  valueAxis,
} from "./chart-spec.ts";

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
 * Points (step value, mean over the step's valid runs) per strategy, in step order, with a band
 * (the filled 95 % interval) behind each line when the steps were repeated; steps without a
 * value (null) are skipped so the line joins its measured neighbours. Null when nothing can be
 * drawn.
 */
export function buildSweepLineChart(
  scenario: string,
  parameter: string,
  groups: readonly RunGroup[],
  strategies: readonly StrategyId[],
  metricId: MetricId,
  options: SweepChartOptions,
): ChartSpec | null {
  const metric = METRICS[metricId];
  const lines = strategies
    .map((strategy) => {
      const points = groups
        .filter((group) => group.strategy === strategy && group.step !== null)
        .map((group) => ({
          x: group.step?.value ?? 0,
          figure: chartFigure(group, metricId),
          group,
        }))
        .filter((p): p is typeof p & { figure: NonNullable<typeof p.figure> } => p.figure !== null);
      return { strategy, points, label: strategy as string };
    })
    .filter((line) => line.points.length > 0);
  if (lines.length === 0) return null;
  const xs = lines.flatMap((line) => line.points.map((p) => p.x));
  const positiveYs = lines
    .flatMap((line) => line.points.map((p) => p.figure.y))
    .filter((y) => y > 0);
  const logX = (options.logX ?? spansDecades(xs)) && xs.every((x) => x > 0);
  // A log axis cannot show 0 (SSE's requests per delivery, say). Rather than giving up the log
  // scale for everyone, zero points leave the plot and the legend says so: never hidden silently.
  const logY = (options.logY ?? spansDecades(positiveYs)) && positiveYs.length > 0;
  if (logY) {
    for (const line of lines) {
      const zeros = line.points.filter((p) => p.figure.y <= 0).length;
      if (zeros === 0) continue;
      const steps = line.points.length;
      line.points = line.points.filter((p) => p.figure.y > 0);
      line.label = `${line.label} (0 at ${zeros === steps ? "every step" : `${zeros} steps`}: not on the log axis)`;
    }
  }
  const figures = lines.flatMap((line) => line.points.map((p) => p.figure));
  const ys = intervalAxisValues(figures);
  const floor = logY ? logBounds(ys).min : 0;
  const hasBands = figures.some((f) => f.lo !== null);
  const datasets = lines
    .filter((line) => line.points.length > 0)
    .flatMap((line) => [
      {
        label: line.label,
        data: line.points.map((p) => ({ x: p.x, y: p.figure.y })),
        ...lineStyle(STRATEGY_COLORS[line.strategy], 4),
        order: 1,
      },
      ...bandDatasets(
        line.strategy,
        strategyFill(line.strategy, 0.18),
        line.points.map((p) => ({ x: p.x, lo: p.figure.lo, hi: p.figure.hi })),
        floor,
      ),
    ]);
  const title = `${scenario}: ${options.name}`;
  const counts = lines.flatMap((line) =>
    line.points.map((p) => (p.group.valid.length > 0 ? p.group.valid.length : p.group.runs.length)),
  );
  return chartSpec({
    id: `${slug(scenario)}-${slug(options.name)}`,
    scenario,
    title,
    subtitle: hasBands ? `${meansOf(counts)} per point; shaded: 95 % interval of the mean` : null,
    key: options.key ?? false,
    type: "line",
    data: { datasets: datasets as ChartConfiguration<"line">["data"]["datasets"] },
    legend: true,
    scales: {
      x: valueAxis({
        title: `${sweepAxisTitle(parameter)}${logX ? ", log scale" : ""}`,
        log: logX,
      }),
      y: valueAxis({ title: `${metric.axisTitle}${logY ? ", log scale" : ""}`, log: logY }, ys),
    },
  });
}
