/**
 * One metric, one bar per strategy, for a single-run scenario: requests and bytes per delivered,
 * server CPU per 1,000 deliveries, RSS per connection, requests per client-minute.
 */
import type { RunResult } from "../../model/results.ts";
import { NOT_AVAILABLE } from "../format.ts";
import { METRICS, type MetricId } from "../metrics.ts";
import { STRATEGY_COLORS, strategyFill } from "../palette.ts";
import {
  basePlugins,
  type ChartSpec,
  categoryAxis,
  slug,
  spansDecades,
  valueAxis,
} from "./chart-spec.ts";

/**
 * Bars of `metricId` per strategy. A strategy whose value is not measurable gets no bar and an
 * "(n/a)" tick label, so a missing bar is never mistaken for zero. Null when no run has a value.
 */
export function buildStrategyBarChart(
  scenario: string,
  runs: readonly RunResult[],
  metricId: MetricId,
  options: { key?: boolean } = {},
): ChartSpec | null {
  const metric = METRICS[metricId];
  const values = runs.map((run) => metric.chartValue(run));
  const drawable = values.filter((v): v is number => v !== null);
  if (drawable.length === 0) return null;
  // log axes cannot draw 0; a zero stays a visible gap labelled by its tick instead of vanishing silently
  const log = spansDecades(drawable);
  const title = `${scenario}: ${metric.label}`;
  return {
    id: `${slug(scenario)}-${slug(metric.label.replace(/,/g, ""))}`,
    scenario,
    title,
    key: options.key ?? false,
    config: {
      type: "bar",
      data: {
        labels: runs.map((run, i) =>
          values[i] === null ? `${run.strategy} (${NOT_AVAILABLE})` : run.strategy,
        ),
        datasets: [
          {
            label: metric.label,
            data: values,
            backgroundColor: runs.map((run) => strategyFill(run.strategy, 0.85)),
            borderColor: runs.map((run) => STRATEGY_COLORS[run.strategy]),
            borderWidth: 1,
          },
        ],
      },
      options: {
        animation: false,
        plugins: basePlugins(title, false),
        scales: {
          x: categoryAxis("strategy"),
          y: valueAxis(
            { title: log ? `${metric.axisTitle}, log scale` : metric.axisTitle, log },
            drawable,
          ),
        },
      },
    },
  };
}
