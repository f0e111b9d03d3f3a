/**
 * The fault chart: time to recover per fault kind, one bar per strategy. A run that never
 * recovered has no recovery time, and drawing nothing (or 0) would read as "instant"; so its bar
 * is drawn hollow up to how long the run watched (a lower bound: "not within this time"), its
 * fault's tick label names it, and a legend entry explains the hollow bars.
 */
import type { BenchResults } from "../../model/results.ts";
import { type FaultGroup, groupFaultsByKind, watchedAfterFaultMs } from "../fault-runs.ts";
import { MODEL_COLOR, STRATEGY_COLORS, strategyFill } from "../palette.ts";
import type { FaultRun } from "../run-groups.ts";
import {
  basePlugins,
  type ChartSpec,
  categoryAxis,
  spansDecades,
  valueAxis,
} from "./chart-spec.ts";

export const FAULT_CHART_ID = "faults-time-to-recover";
/** Also the image's alt text in summary.md, which finds the image by it. */
export const FAULT_CHART_TITLE = "Faults: time to recover";
export const NOT_RECOVERED_LEGEND = "hollow: not recovered (bar = time watched)";

/** One bar: its height in seconds and whether it is a recovery or a not-recovered lower bound. */
export interface FaultBar {
  seconds: number | null;
  recovered: boolean;
}

/**
 * The bar of one strategy under one fault: its first run of that kind (a fault kind normally
 * runs once per strategy). Null height when the strategy did not run that fault, or when it never
 * recovered and the run's timing cannot say how long it was watched.
 */
export function faultBar(runs: readonly FaultRun[]): FaultBar {
  const run = runs[0];
  if (run === undefined) return { seconds: null, recovered: true };
  const ms = run.fault.timeToRecoverMs;
  if (run.fault.recovered && ms !== null) return { seconds: ms / 1000, recovered: true };
  const watchedMs = watchedAfterFaultMs(run);
  return { seconds: watchedMs === null ? null : watchedMs / 1000, recovered: false };
}

/** Tick label of a fault: its kind, plus a second line naming strategies that did not recover. */
function tickLabel(kind: string, failed: readonly string[]): string | string[] {
  return failed.length === 0 ? kind : [kind, `not recovered: ${failed.join(", ")}`];
}

/** Null when the results have no fault run. */
export function buildFaultRecoveryChart(groups: readonly FaultGroup[]): ChartSpec | null {
  if (groups.length === 0) return null;
  const strategies = [...new Set(groups.flatMap((g) => g.strategies))];
  // bars[kind][strategy], strategies in canonical order (groups list them that way)
  const bars = groups.map((group) =>
    strategies.map((strategy) => faultBar(group.runs.filter((r) => r.strategy === strategy))),
  );
  const labels = groups.map((group, k) =>
    tickLabel(
      group.kind,
      strategies.filter((_, s) => bars[k]?.[s]?.recovered === false),
    ),
  );
  const datasets = strategies.map((strategy, s) => {
    const own = bars.map((row) => row[s] ?? faultBar([]));
    return {
      label: strategy,
      data: own.map((bar) => bar.seconds),
      backgroundColor: own.map((bar) => strategyFill(strategy, bar.recovered ? 0.85 : 0.12)),
      borderColor: STRATEGY_COLORS[strategy],
      borderWidth: own.map((bar) => (bar.recovered ? 1 : 3)),
    };
  });
  const anyNotRecovered = bars.some((row) => row.some((bar) => !bar.recovered));
  // a legend-only entry: no data, the hollow style, so the legend explains the hollow bars
  const legendOnly = {
    label: NOT_RECOVERED_LEGEND,
    data: groups.map(() => null),
    backgroundColor: "#FFFFFF",
    borderColor: MODEL_COLOR,
    borderWidth: 3,
  };
  const values = datasets.flatMap((d) => d.data).filter((v): v is number => v !== null);
  // the scale follows the recovery times; a hollow bar (how long a run was watched) is only a
  // lower bound and must not push the real times onto a log axis
  const recoveredSeconds = bars
    .flat()
    .flatMap((bar) => (bar.recovered && bar.seconds !== null ? [bar.seconds] : []));
  const log = spansDecades(recoveredSeconds);
  return {
    id: FAULT_CHART_ID,
    scenario: "faults",
    title: FAULT_CHART_TITLE,
    key: true,
    config: {
      type: "bar",
      data: { labels, datasets: anyNotRecovered ? [...datasets, legendOnly] : datasets },
      options: {
        animation: false,
        plugins: basePlugins(FAULT_CHART_TITLE, true),
        scales: {
          x: categoryAxis("fault injected"),
          y: {
            ...valueAxis({ title: `time to recover (s${log ? ", log scale" : ""})`, log }, values),
            // headroom: a hollow bar flush with the top edge would look cut off
            ...(log ? {} : { grace: "5%" }),
          },
        },
      },
    },
  };
}

/** The fault chart of a results file, as a list (empty without fault runs) like the other builders. */
export function buildFaultCharts(results: BenchResults): ChartSpec[] {
  const chart = buildFaultRecoveryChart(groupFaultsByKind(results));
  return chart === null ? [] : [chart];
}
