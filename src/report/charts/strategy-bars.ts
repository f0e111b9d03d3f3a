/**
 * One metric, one bar per strategy, for a single-step scenario: requests and bytes per
 * delivered, server CPU per 1,000 deliveries, RSS per connection, requests per client-minute.
 * With repetitions a bar is the mean over the valid runs and carries error bars (its 95 %
 * interval, chartjs-chart-error-bars' "barWithErrorBars"); with single runs it is a plain bar
 * chart as it always was.
 */

import type { StrategyId } from "../../model/strategies.ts";
import { chartFigure } from "../model/figures.ts";
import { NOT_AVAILABLE } from "../model/format.ts";
import { METRICS, type MetricId } from "../model/metrics.ts";
import { STRATEGY_COLORS, strategyFill } from "../model/palette.ts";
import type { RunGroup } from "../model/run-groups.ts";
import {
  type ChartParts,
  type ChartSpec,
  categoryAxis,
  chartSpec,
  ERROR_BAR_STYLE,
  errorBarData,
  errorBarPoint,
  intervalAxisValues,
  logBounds,
  meansOf,
  slug,
  spansDecades,
  valueAxis,
} from "./chart-spec.ts";

/** The subtitle of a chart whose marks are means with whiskers; null when none has an interval. */
export function errorBarSubtitle(groups: readonly RunGroup[], hasInterval: boolean): string | null {
  if (!hasInterval) return null;
  const counts = groups.map((g) => (g.valid.length > 0 ? g.valid.length : g.runs.length));
  return `${meansOf(counts)} per bar; whiskers: 95 % interval of the mean`;
}

/**
 * Bars of `metricId` per strategy (one group of repetitions each). A strategy whose value is
 * not measurable gets no bar and an "(n/a)" tick label, so a missing bar is never mistaken for
 * zero; a strategy with no valid run is labelled "(invalid)". Null when no group has a value.
 */
export function buildStrategyBarChart(
  scenario: string,
  groups: readonly RunGroup[],
  metricId: MetricId,
  options: { key?: boolean } = {},
): ChartSpec | null {
  const metric = METRICS[metricId];
  const figures = groups.map((group) => chartFigure(group, metricId));
  const drawable = figures.filter((f): f is NonNullable<typeof f> => f !== null);
  if (drawable.length === 0) return null;
  // log axes cannot draw 0; a zero stays a visible gap labelled by its tick instead of vanishing silently
  const log = spansDecades(drawable.map((f) => f.y));
  const hasInterval = drawable.some((f) => f.lo !== null);
  const bounds = intervalAxisValues(drawable);
  // a whisker below what the axis can show is clamped to its edge (0, or a log axis' minimum)
  const floor = log ? logBounds(bounds).min : 0;
  const labels = groups.map((group, i) => {
    if (figures[i] === null) return `${group.strategy} (${NOT_AVAILABLE})`;
    return group.valid.length === 0 ? `${group.strategy} (invalid)` : group.strategy;
  });
  const yAxis = valueAxis(
    { title: log ? `${metric.axisTitle}, log scale` : metric.axisTitle, log },
    bounds,
  );
  return buildOneBarPerStrategy(
    {
      id: `${slug(scenario)}-${slug(metric.label.replace(/,/g, ""))}`,
      scenario,
      title: `${scenario}: ${metric.label}`,
      subtitle: errorBarSubtitle(groups, hasInterval),
      key: options.key ?? false,
      legend: false,
    },
    {
      label: metric.label,
      strategies: groups.map((group) => group.strategy),
      labels,
      figures,
      floor,
    },
    { x: categoryAxis("strategy"), y: yAxis },
  );
}

/** A bar's value and, with repetitions, its 95 % interval (null bounds without one). */
export interface BarFigure {
  y: number;
  lo: number | null;
  hi: number | null;
}

/**
 * A chart of one dataset, one bar per strategy in its colour (the metric bars above, the energy
 * bars of charts/energy.ts), so every such chart looks alike: plain bars when no figure has an
 * interval, as single-run charts always looked; else bars with whiskers ("barWithErrorBars"),
 * lower bounds under `floor` clamped to it (errorBarPoint). A null figure is a missing bar.
 */
export function buildOneBarPerStrategy(
  parts: Omit<ChartParts<"bar">, "type" | "data" | "scales">,
  bars: {
    /** The dataset's label (the metric or the y axis). */
    label: string;
    strategies: readonly StrategyId[];
    /** Tick labels, one per bar. */
    labels: string[];
    figures: readonly (BarFigure | null)[];
    floor: number;
  },
  scales: { x: ReturnType<typeof categoryAxis>; y: ReturnType<typeof valueAxis> },
): ChartSpec {
  const { labels, figures } = bars;
  const style = {
    label: bars.label,
    backgroundColor: bars.strategies.map((strategy) => strategyFill(strategy, 0.85)),
    borderColor: bars.strategies.map((strategy) => STRATEGY_COLORS[strategy]),
    borderWidth: 1,
  };
  if (!figures.some((f) => f !== null && f.lo !== null)) {
    return chartSpec({
      ...parts,
      type: "bar",
      data: { labels, datasets: [{ ...style, data: figures.map((f) => f?.y ?? null) }] },
      scales,
    });
  }
  return chartSpec({
    ...parts,
    type: "barWithErrorBars",
    data: {
      labels,
      datasets: [
        {
          ...style,
          ...ERROR_BAR_STYLE,
          data: errorBarData(figures.map((f) => errorBarPoint(f, bars.floor))),
        },
      ],
    },
    scales,
  });
}
