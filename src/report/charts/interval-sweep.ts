/**
 * The interval-sweep chart: what a short-polling interval buys. Mean and median latency against
 * the requests each client makes per minute, with the model beside it: a notification waits on
 * average half an interval (uniform arrival between polls), so mean latency ≈ interval / 2.
 */
import type { RunResult } from "../../model/results.ts";
import type { StrategyId } from "../../model/strategies.ts";
import { MODEL_COLOR, STRATEGY_COLORS } from "../palette.ts";
import { basePlugins, type ChartSpec, slug, spansDecades, valueAxis } from "./chart-spec.ts";

type Point = { x: number; y: number };

function points(runs: readonly RunResult[], read: (run: RunResult) => number | null): Point[] {
  return runs
    .map((run) => ({ x: run.http.requestsPerClientMinute, y: read(run) }))
    .filter((p): p is Point => p.y !== null && p.x > 0)
    .sort((a, b) => a.x - b.x);
}

/** Null when no run delivered anything. */
export function buildIntervalSweepChart(
  scenario: string,
  runs: readonly RunResult[],
  strategies: readonly StrategyId[],
): ChartSpec | null {
  const datasets = strategies.flatMap((strategy) => {
    const own = runs.filter((r) => r.strategy === strategy);
    const color = STRATEGY_COLORS[strategy];
    const line = {
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2,
      pointRadius: 4,
      fill: false,
    };
    return [
      { label: `${strategy} mean`, data: points(own, (r) => us(r.latency.meanUs)), ...line },
      {
        label: `${strategy} p50`,
        data: points(own, (r) => us(r.latency.p50Us)),
        ...line,
        borderDash: [6, 4],
        pointStyle: "rectRot" as const,
      },
    ];
  });
  const model = {
    label: "model: interval / 2",
    data: points(
      runs.filter((r) => r.strategy === "short-polling"),
      (r) => r.params.shortPollIntervalMs / 2,
    ),
    // a wide translucent band drawn behind the measurement (higher order = drawn first)
    borderColor: `${MODEL_COLOR}66`,
    backgroundColor: `${MODEL_COLOR}66`,
    borderWidth: 8,
    pointRadius: 0,
    fill: false,
    order: 1,
  };
  const measured = datasets.filter((d) => d.data.length > 0);
  if (measured.length === 0) return null;
  const all = [...measured, ...(model.data.length > 0 ? [model] : [])];
  const xs = all.flatMap((d) => d.data.map((p) => p.x));
  const ys = all.flatMap((d) => d.data.map((p) => p.y));
  const logX = spansDecades(xs);
  const logY = spansDecades(ys);
  const title = `${scenario}: latency vs polling cost`;
  return {
    id: `${slug(scenario)}-latency-vs-polling-cost`,
    scenario,
    title,
    key: true,
    config: {
      type: "line",
      data: { datasets: all },
      options: {
        animation: false,
        plugins: basePlugins(title, true),
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
      },
    },
  };
}

function us(value: number | null): number | null {
  return value === null ? null : value / 1000;
}
