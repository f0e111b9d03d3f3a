/**
 * The fault chart: time to recover per fault kind, one bar per strategy. A run that never
 * recovered has no recovery time, and drawing nothing (or 0) would read as "instant"; so its bar
 * is drawn hollow up to how long the run watched (a lower bound: "not within this time"), its
 * fault's tick label names it, and a legend entry explains the hollow bars. With repetitions a
 * bar is the mean time to recover of the valid runs that recovered, with error bars (its 95 %
 * interval); a strategy some of whose runs did not recover is named under its fault too.
 */
import type { BenchResults } from "../../model/results.ts";
import { type FaultGroup, groupFaultsByKind, watchedAfterFaultMs } from "../model/fault-runs.ts";
import { MODEL_COLOR, STRATEGY_COLORS, strategyFill } from "../model/palette.ts";
import type { FaultRun, RunGroup } from "../model/run-groups.ts";
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
  /** The 95 % interval of the mean (s), with repetitions; null otherwise. */
  lo?: number | null;
  hi?: number | null;
  /** Runs behind the bar (valid runs that recovered, or the one watched run). */
  n?: number;
  /** With repetitions: some run of the group did not recover (named under the fault). */
  someNotRecovered?: boolean;
}

/**
 * The bar of one strategy under one fault, from its first group of that kind (a fault kind
 * normally runs once per strategy step). A single run is drawn as itself; with repetitions the
 * bar is the summary's mean time to recover over the valid runs that recovered, with its
 * interval. Null height when the strategy did not run that fault, or when it never recovered
 * and the run's timing cannot say how long it was watched.
 */
export function faultBar(runs: readonly FaultRun[], group?: RunGroup<FaultRun>): FaultBar {
  const figure =
    group !== undefined && group.runs.length > 1 && group.valid.length > 0
      ? group.summary.figures.timeToRecoverMs
      : null;
  if (group !== undefined && figure !== null && figure !== undefined) {
    const shown = group.valid;
    return {
      seconds: figure.mean / 1000,
      recovered: true,
      lo: figure.lo === null ? null : figure.lo / 1000,
      hi: figure.hi === null ? null : figure.hi / 1000,
      n: figure.n,
      someNotRecovered: shown.some((run) => !run.fault.recovered),
    };
  }
  const run = group?.valid[0] ?? group?.runs[0] ?? runs[0];
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
    strategies.map((strategy) =>
      faultBar(
        group.runs.filter((r) => r.strategy === strategy),
        group.groups.find((g) => g.strategy === strategy),
      ),
    ),
  );
  const labels = groups.map((group, k) =>
    tickLabel(
      group.kind,
      strategies.flatMap((strategy, s) => {
        const bar = bars[k]?.[s];
        if (bar?.recovered === false) return [strategy];
        return bar?.someNotRecovered ? [`${strategy} (some runs)`] : [];
      }),
    ),
  );
  const hasInterval = bars.some((row) =>
    row.some((bar) => bar.lo !== undefined && bar.lo !== null),
  );
  const datasets = strategies.map((strategy, s) => {
    const own = bars.map((row) => row[s] ?? faultBar([]));
    return {
      label: strategy,
      data: own.map((bar) => bar.seconds),
      backgroundColor: own.map((bar) => strategyFill(strategy, bar.recovered ? 0.85 : 0.12)),
      borderColor: STRATEGY_COLORS[strategy],
      borderWidth: own.map((bar) => (bar.recovered ? 1 : 3)),
      bars: own,
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
  const figures = bars
    .flat()
    .flatMap((bar) =>
      bar.seconds === null ? [] : [{ y: bar.seconds, lo: bar.lo ?? null, hi: bar.hi ?? null }],
    );
  const values = intervalAxisValues(figures);
  // the scale follows the recovery times; a hollow bar (how long a run was watched) is only a
  // lower bound and must not push the real times onto a log axis
  const recoveredSeconds = bars
    .flat()
    .flatMap((bar) => (bar.recovered && bar.seconds !== null ? [bar.seconds] : []));
  const log = spansDecades(recoveredSeconds);
  const y = {
    ...valueAxis({ title: `time to recover (s${log ? ", log scale" : ""})`, log }, values),
    // headroom: a hollow bar flush with the top edge would look cut off
    ...(log ? {} : { grace: "5%" }),
  };
  const common = {
    id: FAULT_CHART_ID,
    scenario: "faults",
    title: FAULT_CHART_TITLE,
    key: true,
    legend: true,
  };
  const plain = datasets.map(({ bars: _bars, ...dataset }) => dataset);
  if (!hasInterval) {
    return chartSpec({
      ...common,
      type: "bar",
      data: { labels, datasets: anyNotRecovered ? [...plain, legendOnly] : plain },
      scales: { x: categoryAxis("fault injected"), y },
    });
  }
  const floor = log ? logBounds(values).min : 0;
  const withBars = datasets.map(({ bars: own, ...dataset }) => ({
    ...dataset,
    ...ERROR_BAR_STYLE,
    data: errorBarData(
      own.map((bar) =>
        errorBarPoint(
          bar.seconds === null ? null : { y: bar.seconds, lo: bar.lo ?? null, hi: bar.hi ?? null },
          floor,
        ),
      ),
    ),
  }));
  const counts = bars.flat().flatMap((bar) => (bar.n === undefined ? [] : [bar.n]));
  return chartSpec({
    ...common,
    subtitle: `${meansOf(counts)} that recovered per bar; whiskers: 95 % interval of the mean`,
    type: "barWithErrorBars",
    data: {
      labels,
      datasets: anyNotRecovered
        ? [...withBars, { ...legendOnly, data: errorBarData(groups.map(() => ({ y: null }))) }]
        : withBars,
    },
    scales: { x: categoryAxis("fault injected"), y },
  });
}

/** The fault chart of a results file, as a list (empty without fault runs) like the other builders. */
export function buildFaultCharts(results: BenchResults): ChartSpec[] {
  const chart = buildFaultRecoveryChart(groupFaultsByKind(results));
  return chart === null ? [] : [chart];
}
