/**
 * A metric of one group of repetitions, as every table and chart shows it: the mean over the
 * valid runs with its 95 % Student-t interval (bounds null for a single run), in the metric's
 * raw units (µs, bytes, ...). Headline figures come from the results summary; the few metrics
 * the summaries do not carry (mean latency, requests per client-minute) are folded the same
 * way here, through the same src/stats function.
 */
import { summarize } from "../../stats/index.ts";
import { formatInterval, type IntervalText } from "./format.ts";
import { METRICS, type MetricId } from "./metrics.ts";
import type { RunGroup } from "./run-groups.ts";

/** A metric over a group's runs, raw units. */
export interface GroupFigure {
  /** Runs that had the value (a run with nothing delivered has no p50). */
  n: number;
  mean: number;
  lo: number | null;
  hi: number | null;
  /** Per-run values, raw units, repetition order. */
  values: number[];
  /**
   * True when no run of the group was valid and these numbers come from the invalid runs:
   * shown tinted, never compared or charted as a result.
   */
  fromInvalidRuns: boolean;
}

/**
 * The runs whose numbers a group shows: its valid runs, or, when it has none, all its runs (a
 * group of invalid runs still shows what they measured, tinted and badged, as single runs always
 * did).
 */
function shownRuns(group: RunGroup): { runs: RunGroup["runs"]; fromInvalidRuns: boolean } {
  return group.valid.length > 0
    ? { runs: group.valid, fromInvalidRuns: false }
    : { runs: group.runs, fromInvalidRuns: true };
}

/** The metric over the group; null when no shown run has a value. */
export function groupFigure(group: RunGroup, id: MetricId): GroupFigure | null {
  const metric = METRICS[id];
  const { runs, fromInvalidRuns } = shownRuns(group);
  const fromSummary =
    metric.figure === null || fromInvalidRuns ? null : group.summary.figures[metric.figure];
  if (fromSummary !== null && fromSummary !== undefined) {
    const scale = (x: number | null) => (x === null ? null : x * metric.figureToRaw);
    return {
      n: fromSummary.n,
      mean: fromSummary.mean * metric.figureToRaw,
      lo: scale(fromSummary.lo),
      hi: scale(fromSummary.hi),
      values: fromSummary.values.map((x) => x * metric.figureToRaw),
      fromInvalidRuns,
    };
  }
  if (metric.figure !== null && !fromInvalidRuns) return null; // the summary says: no value
  const values = runs
    .map((run) => metric.rawValue(run))
    .filter((v): v is number => v !== null && Number.isFinite(v));
  if (values.length === 0) return null;
  // every metric of the tables is zero or more (metrics.ts)
  const interval = summarize(values, { domain: "non-negative" });
  return {
    n: interval.n,
    mean: interval.mean,
    lo: interval.lo,
    hi: interval.hi,
    values,
    fromInvalidRuns,
  };
}

/** The figure as table text: "2.13 ms" and "[2.11, 2.16]", "n/a" when there is none. */
export function groupFigureText(
  group: RunGroup,
  id: MetricId,
): IntervalText & { n: number | null } {
  const figure = groupFigure(group, id);
  if (figure === null) return { ...formatInterval(null, null, null, METRICS[id].unit), n: null };
  return { ...formatInterval(figure.mean, figure.lo, figure.hi, METRICS[id].unit), n: figure.n };
}

/** The mean of a metric over a group in chart units, with its bounds; null when none. */
export function chartFigure(
  group: RunGroup,
  id: MetricId,
): { y: number; lo: number | null; hi: number | null } | null {
  const figure = groupFigure(group, id);
  if (figure === null) return null;
  const toChart = METRICS[id].toChart;
  return {
    y: toChart(figure.mean),
    lo: figure.lo === null ? null : toChart(figure.lo),
    hi: figure.hi === null ? null : toChart(figure.hi),
  };
}
