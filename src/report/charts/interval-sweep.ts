/**
 * The interval-sweep chart: what a short-polling interval buys. Mean and median latency against
 * the requests each client makes per minute, with the model beside it: a notification waits on
 * average half an interval (uniform arrival between polls), so mean latency ≈ interval / 2.
 * With repetitions every point is a step's mean over its valid runs and the p50 line carries a
 * band (its 95 % interval).
 */
import type { ChartConfiguration } from "chart.js";
import type { StrategyId } from "../../model/strategies.ts";
import { chartFigure } from "../model/figures.ts";
import { MODEL_COLOR, STRATEGY_COLORS, strategyFill } from "../model/palette.ts";
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

type Point = { x: number; y: number; lo: number | null; hi: number | null };

/**
 * One point per step: x = the step's mean requests per client-minute, y = the mean of `metric`
 * (with its interval); steps without either are left out.
 */
function points(groups: readonly RunGroup[], metric: "meanLatency" | "p50Latency"): Point[] {
  return groups
    .flatMap((group) => {
      const x = chartFigure(group, "requestsPerClientMinute")?.y ?? null;
      const y = chartFigure(group, metric);
      return x === null || y === null || !(x > 0) ? [] : [{ x, ...y }];
    })
    .sort((a, b) => a.x - b.x);
}

/** Null when no run delivered anything. */
export function buildIntervalSweepChart(
  scenario: string,
  groups: readonly RunGroup[],
  strategies: readonly StrategyId[],
): ChartSpec | null {
  const lines = strategies
    .map((strategy) => {
      const own = groups.filter((g) => g.strategy === strategy);
      return { strategy, mean: points(own, "meanLatency"), p50: points(own, "p50Latency") };
    })
    .filter((line) => line.mean.length > 0 || line.p50.length > 0);
  if (lines.length === 0) return null;
  const modelPoints = groups
    .filter((g) => g.strategy === "short-polling")
    .flatMap((group) => {
      const x = chartFigure(group, "requestsPerClientMinute")?.y ?? null;
      const interval = group.runs[0]?.params.shortPollIntervalMs ?? null;
      return x === null || interval === null || !(x > 0) ? [] : [{ x, y: interval / 2 }];
    })
    .sort((a, b) => a.x - b.x);
  const measured = lines.flatMap((line) => [...line.mean, ...line.p50]);
  const xs = [...measured, ...modelPoints].map((p) => p.x);
  const ys = [...intervalAxisValues(measured), ...modelPoints.map((p) => p.y)];
  const logX = spansDecades(xs);
  const logY = spansDecades(ys);
  // a band's lower edge below what the axis shows is drawn at its edge
  const floor = logY ? logBounds(ys).min : 0;
  const datasets = lines.flatMap(({ strategy, mean, p50 }) => {
    const line = lineStyle(STRATEGY_COLORS[strategy], 4);
    const xy = (list: Point[]) => list.map(({ x, y }) => ({ x, y }));
    return [
      ...(mean.length > 0
        ? [{ label: `${strategy} mean`, data: xy(mean), ...line, order: 1 }]
        : []),
      ...(p50.length > 0
        ? [
            {
              label: `${strategy} p50`,
              data: xy(p50),
              ...line,
              borderDash: [6, 4],
              pointStyle: "rectRot" as const,
              order: 1,
            },
          ]
        : []),
      ...bandDatasets(`${strategy} p50`, strategyFill(strategy, 0.18), p50, floor),
    ];
  });
  const model = {
    label: "model: interval / 2",
    data: modelPoints,
    // a wide translucent band drawn behind the measurement (higher order = drawn first)
    borderColor: `${MODEL_COLOR}66`,
    backgroundColor: `${MODEL_COLOR}66`,
    borderWidth: 8,
    pointRadius: 0,
    fill: false,
    order: 3,
  };
  const hasBands = measured.some((p) => p.lo !== null);
  const counts = groups.map((g) => (g.valid.length > 0 ? g.valid.length : g.runs.length));
  const title = `${scenario}: latency vs polling cost`;
  return chartSpec({
    id: `${slug(scenario)}-latency-vs-polling-cost`,
    scenario,
    title,
    subtitle: hasBands ? `${meansOf(counts)} per point; shaded: 95 % interval of the p50` : null,
    key: true,
    type: "line",
    data: {
      datasets: [
        ...datasets,
        ...(modelPoints.length > 0 ? [model] : []),
      ] as ChartConfiguration<"line">["data"]["datasets"],
    },
    legend: true,
    scales: {
      x: valueAxis({
        title: `HTTP requests per client per minute${logX ? ", log scale" : ""}`,
        log: logX,
      }),
      y: valueAxis(
        { title: `publish-to-receive latency (ms${logY ? ", log scale" : ""})`, log: logY },
        ys,
      ),
    },
  });
}
