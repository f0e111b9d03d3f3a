/**
 * The capacity chart: p99 latency against the achieved request rate, one line per strategy
 * (its rate-limited steps and, as a diamond, its closed loop), with the p99 bound drawn across.
 * The rate where a line crosses the bound is what one server process sustains.
 */
import type { BenchResults, CapacityResult } from "../../model/results.ts";
import { groupCapacity } from "../model/capacity.ts";
import { MODEL_COLOR, STRATEGY_COLORS } from "../model/palette.ts";
import { type ChartSpec, chartSpec, slug, valueAxis } from "./chart-spec.ts";

/**
 * autocannon records latency in whole milliseconds, so a fast step can read p99 = 0; a log axis
 * cannot draw 0, so such points are drawn at this value and the axis title says so.
 */
export const MIN_DRAWN_P99_MS = 1;

/** p99 vs achieved rate for one capacity scenario; null when nothing was measured. */
export function buildCapacityChart(
  scenario: string,
  results: readonly CapacityResult[],
): ChartSpec | null {
  let clamped = false;
  const drawn = (p99Ms: number): number => {
    if (p99Ms >= MIN_DRAWN_P99_MS) return p99Ms;
    clamped = true;
    return MIN_DRAWN_P99_MS;
  };
  const lines = results
    .map((result) => {
      const points = [
        ...result.steps.map((step) => ({ step, closedLoop: false })),
        { step: result.saturation, closedLoop: true },
      ]
        .filter(({ step }) => step.requests > 0 && step.achievedRps > 0)
        .sort((a, b) => a.step.achievedRps - b.step.achievedRps);
      const color = STRATEGY_COLORS[result.strategy];
      return {
        label: result.valid ? result.strategy : `${result.strategy} (invalid)`,
        data: points.map(({ step }) => ({ x: step.achievedRps, y: drawn(step.p99Ms) })),
        pointStyle: points.map(({ closedLoop }) => (closedLoop ? "rectRot" : "circle")),
        pointRadius: points.map(({ closedLoop }) => (closedLoop ? 7 : 4)),
        borderColor: color,
        backgroundColor: color,
        borderWidth: 2,
        fill: false,
      };
    })
    .filter((line) => line.data.length > 0);
  if (lines.length === 0) return null;
  const xs = lines.flatMap((line) => line.data.map((p) => p.x));
  const bounds = [...new Set(results.map((r) => r.p99BoundMs))];
  const boundLines = bounds.map((bound) => ({
    label: `p99 bound (${bound} ms)`,
    data: [
      { x: 0, y: bound },
      { x: Math.max(...xs), y: bound },
    ],
    borderColor: MODEL_COLOR,
    backgroundColor: MODEL_COLOR,
    borderDash: [6, 4],
    borderWidth: 2,
    pointRadius: 0,
    fill: false,
  }));
  const ys = [...lines.flatMap((line) => line.data.map((p) => p.y)), ...bounds];
  const title = `${scenario}: p99 latency vs achieved rate`;
  return chartSpec({
    id: `${slug(scenario)}-p99-vs-rate`,
    scenario,
    title,
    key: true,
    type: "line",
    data: { datasets: [...lines, ...boundLines] },
    legend: true,
    scales: {
      x: valueAxis({
        title: "achieved requests per second (diamond: closed loop)",
        log: false,
      }),
      y: valueAxis(
        {
          title: `p99 latency (ms, log scale${clamped ? `; under ${MIN_DRAWN_P99_MS} ms drawn at ${MIN_DRAWN_P99_MS}` : ""})`,
          log: true,
        },
        ys,
      ),
    },
  });
}

/** Every capacity chart of a results file (none when `capacity` is empty). */
export function buildCapacityCharts(results: BenchResults): ChartSpec[] {
  return groupCapacity(results)
    .map((group) => buildCapacityChart(group.scenario, group.results))
    .filter((chart): chart is ChartSpec => chart !== null);
}
