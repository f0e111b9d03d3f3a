/**
 * One metric, one bar per strategy, for a single-step scenario: requests and bytes per
 * delivered, server CPU per 1,000 deliveries, RSS per connection, requests per client-minute.
 * With repetitions a bar is the mean over the valid runs and carries error bars (its 95 %
 * interval, chartjs-chart-error-bars' "barWithErrorBars"); with single runs it is a plain bar
 * chart as it always was.
 */
import { chartFigure } from "../model/figures.ts";
import { NOT_AVAILABLE } from "../model/format.ts";
import { METRICS, type MetricId } from "../model/metrics.ts";
import { STRATEGY_COLORS, strategyFill } from "../model/palette.ts";
import type { RunGroup } from "../model/run-groups.ts";
import {
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
  const style = {
    label: metric.label,
    backgroundColor: groups.map((group) => strategyFill(group.strategy, 0.85)),
    borderColor: groups.map((group) => STRATEGY_COLORS[group.strategy]),
    borderWidth: 1,
  };
  const yAxis = valueAxis(
    { title: log ? `${metric.axisTitle}, log scale` : metric.axisTitle, log },
    bounds,
  );
  const common = {
    id: `${slug(scenario)}-${slug(metric.label.replace(/,/g, ""))}`,
    scenario,
    title: `${scenario}: ${metric.label}`,
    subtitle: errorBarSubtitle(groups, hasInterval),
    key: options.key ?? false,
    legend: false,
  };
  if (!hasInterval) {
    return chartSpec({
      ...common,
      type: "bar",
      data: { labels, datasets: [{ ...style, data: figures.map((f) => f?.y ?? null) }] },
      scales: { x: categoryAxis("strategy"), y: yAxis },
    });
  }
  return chartSpec({
    ...common,
    type: "barWithErrorBars",
    data: {
      labels,
      datasets: [
        {
          ...style,
          ...ERROR_BAR_STYLE,
          data: errorBarData(figures.map((f) => errorBarPoint(f, floor))),
        },
      ],
    },
    scales: { x: categoryAxis("strategy"), y: yAxis },
  });
}
