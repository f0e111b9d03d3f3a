/**
 * Chooses the charts for each scenario of a results file. The choice follows what a scenario
 * varies (its sweep parameter), not its name, so a renamed or new sweep still gets sensible charts.
 */
import type { BenchResults } from "../../model/results.ts";
import type { MetricId } from "../model/metrics.ts";
import { groupByScenario, type ScenarioGroup } from "../model/run-groups.ts";
import type { ChartSpec } from "./chart-spec.ts";
import { buildIntervalSweepChart } from "./interval-sweep.ts";
import { buildLatencyCdfChart } from "./latency-cdf.ts";
import { buildLatencyPercentilesChart } from "./latency-percentiles.ts";
import { buildStrategyBarChart } from "./strategy-bars.ts";
import { buildSweepLineChart, sweepAxisTitle } from "./sweep-lines.ts";

/** Cost bars of a single-run scenario, in display order; the first two go into summary.md. */
const SINGLE_RUN_COST_METRICS: readonly MetricId[] = [
  "requestsPerDelivered",
  "bytesPerDelivered",
  "cpuMsPer1000Deliveries",
  "rssPerConnection",
  "requestsPerClientMinute",
];

function singleRunCharts(group: ScenarioGroup): (ChartSpec | null)[] {
  const { scenario, groups } = group;
  const percentiles = buildLatencyPercentilesChart(scenario, groups);
  return [
    percentiles,
    buildLatencyCdfChart(scenario, groups),
    ...SINGLE_RUN_COST_METRICS.map((metricId) =>
      buildStrategyBarChart(scenario, groups, metricId, {
        // with nothing delivered (idle), what waiting costs is the headline
        key:
          metricId === "requestsPerDelivered" ||
          (percentiles === null && metricId === "requestsPerClientMinute"),
      }),
    ),
  ];
}

function sweepCharts(group: ScenarioGroup, parameter: string): (ChartSpec | null)[] {
  const { scenario, groups, strategies } = group;
  const versus = sweepAxisTitle(parameter);
  const line = (metricId: MetricId, name: string, key: boolean, log?: boolean) =>
    buildSweepLineChart(scenario, parameter, groups, strategies, metricId, {
      name,
      key,
      ...(log === undefined ? {} : { logX: log, logY: log }),
    });
  switch (parameter) {
    case "clients":
      return [
        line("p99Latency", "p99 latency vs clients", true),
        line("cpuMsPer1000Deliveries", "server CPU vs clients", true),
        line("rssPerConnection", "RSS per connection vs clients", false),
        line("bytesPerDelivered", "bytes per delivered vs clients", false),
      ];
    case "ratePerSec":
      return [
        // the crossover chart: where does pushing get cheaper than polling? always log-log
        line("requestsPerDelivered", "requests per delivery vs rate", true, true),
        line("p50Latency", "p50 latency vs rate", false),
      ];
    case "shortPollIntervalMs":
      return [
        buildIntervalSweepChart(scenario, groups, strategies),
        line("requestsPerClientMinute", "requests per client-minute vs interval", false),
      ];
    default:
      return [
        line("p99Latency", `p99 latency vs ${versus}`, true),
        line("requestsPerDelivered", `requests per delivery vs ${versus}`, true),
      ];
  }
}

/** The charts of one scenario, in display order; charts with nothing to draw are left out. */
export function buildScenarioCharts(group: ScenarioGroup): ChartSpec[] {
  const charts =
    group.sweepParameter === null
      ? singleRunCharts(group)
      : sweepCharts(group, group.sweepParameter);
  return charts.filter((c): c is ChartSpec => c !== null);
}

/** Every chart of a report, grouped by scenario in report order. */
export function buildReportCharts(
  results: BenchResults,
): { group: ScenarioGroup; charts: ChartSpec[] }[] {
  return groupByScenario(results).map((group) => ({ group, charts: buildScenarioCharts(group) }));
}
