/**
 * The radio energy charts: per scenario, the estimated energy per user-hour of each strategy
 * (bars; grouped by step for a sweep), and per scenario step and strategy one sampled client's
 * radio over the window (its power, a step line whose level is the state: idle, promotion,
 * transfer, the tail's phases) with its packets marked on top.
 */
import type { ChartConfiguration } from "chart.js";
import type { StrategyId } from "../../model/strategies.ts";
import type { EnergyGroup, EnergyRow } from "../model/energy.ts";
import { MODEL_COLOR, STRATEGY_COLORS, strategyFill } from "../model/palette.ts";
import {
  type ChartSpec,
  categoryAxis,
  chartSpec,
  intervalAxisValues,
  slug,
  valueAxis,
} from "./chart-spec.ts";
import { type BarFigure, buildOneBarPerStrategy } from "./strategy-bars.ts";

/** Energy chart titles start with this, so summary.md can place them in the energy section. */
export const ENERGY_CHART_TITLE_PREFIX = "radio energy, ";

export function isEnergyChartTitle(title: string): boolean {
  return title.startsWith(ENERGY_CHART_TITLE_PREFIX);
}

const Y_TITLE = "estimated radio energy per user-hour (J)";

function figureOf(row: EnergyRow): BarFigure {
  return { y: row.energyPerUserHourJ, lo: row.energyPerUserHourLoJ, hi: row.energyPerUserHourHiJ };
}

/** One bar per strategy for a single-step scenario; grouped by step for a sweep. */
export function buildEnergyBarChart(
  scenario: string,
  groups: readonly EnergyGroup[],
  key: boolean,
): ChartSpec | null {
  const first = groups[0];
  if (first === undefined) return null;
  const title = `${ENERGY_CHART_TITLE_PREFIX}${scenario}: J per user-hour`;
  const id = `energy-${slug(scenario)}-per-user-hour`;
  if (groups.length === 1) {
    const rows = first.rows;
    const figures = rows.map(figureOf);
    const hasInterval = figures.some((f) => f.lo !== null);
    return buildOneBarPerStrategy(
      {
        id,
        scenario,
        title,
        key,
        legend: false,
        subtitle: hasInterval
          ? `${first.profileLabel}; whiskers: 95 % interval of the mean`
          : first.profileLabel,
      },
      {
        label: Y_TITLE,
        strategies: rows.map((r) => r.strategy),
        labels: rows.map((r) => (r.fromInvalidRuns ? `${r.strategy} (invalid)` : r.strategy)),
        figures,
        floor: 0,
      },
      {
        x: categoryAxis("strategy"),
        y: valueAxis({ title: Y_TITLE, log: false }, intervalAxisValues(figures)),
      },
    );
  }
  const strategies: StrategyId[] = [];
  for (const g of groups) {
    for (const r of g.rows) if (!strategies.includes(r.strategy)) strategies.push(r.strategy);
  }
  return chartSpec({
    id,
    scenario,
    title,
    subtitle: first.profileLabel,
    key,
    legend: true,
    type: "bar",
    data: {
      labels: groups.map((g) => g.step ?? ""),
      datasets: strategies.map((strategy) => ({
        label: strategy,
        backgroundColor: strategyFill(strategy, 0.85),
        borderColor: STRATEGY_COLORS[strategy],
        borderWidth: 1,
        data: groups.map(
          (g) => g.rows.find((r) => r.strategy === strategy)?.energyPerUserHourJ ?? null,
        ),
      })),
    },
    scales: {
      x: categoryAxis(first.step === null ? "strategy" : "step"),
      y: valueAxis({ title: Y_TITLE, log: false }),
    },
  });
}

/**
 * The sampled client's radio power over the window as a step line (seconds on x), its packets as
 * marks above it. Null when the row has no sample.
 */
export function buildEnergyTimelineChart(
  group: EnergyGroup,
  row: EnergyRow,
  key: boolean,
): ChartSpec | null {
  const sample = row.sample;
  if (sample === null || sample.segments.length === 0) return null;
  const points = sample.segments.flatMap((s) => [
    { x: s.startMs / 1000, y: s.powerMw },
    { x: s.endMs / 1000, y: s.powerMw },
  ]);
  const top = Math.max(...sample.segments.map((s) => s.powerMw));
  const packetY = top * 1.08;
  const color = STRATEGY_COLORS[row.strategy];
  const step = group.step === null ? "" : ` [${group.step}]`;
  const states = [...new Set(sample.segments.map((s) => s.state))].join(", ");
  const shown =
    sample.shownMs < group.windowMs - 1 ? `; first ${(sample.shownMs / 1000).toFixed(1)} s` : "";
  const datasets = [
    {
      label: `radio power of client ${sample.clientIndex + 1} (mW)`,
      data: points,
      borderColor: color,
      backgroundColor: strategyFill(row.strategy, 0.25),
      borderWidth: 2,
      pointRadius: 0,
      fill: true,
    },
    {
      label: "packets (a socket chunk or burst)",
      data: sample.packets.map((p) => ({ x: p.atMs / 1000, y: packetY })),
      borderColor: MODEL_COLOR,
      backgroundColor: MODEL_COLOR,
      showLine: false,
      pointRadius: 4,
      pointStyle: "triangle" as const,
      rotation: 180,
    },
  ];
  return chartSpec({
    id: `energy-${slug(group.scenario)}${group.step === null ? "" : `-${slug(group.step)}`}-${slug(row.strategy)}-timeline`,
    scenario: group.scenario,
    title: `${ENERGY_CHART_TITLE_PREFIX}${group.scenario}${step}: one ${row.strategy} client's radio`,
    subtitle: `${Math.round(row.highPowerShare * 100)} % awake (mean of the sample); states: ${states}${shown}`,
    key,
    legend: true,
    type: "line",
    data: { datasets: datasets as ChartConfiguration<"line">["data"]["datasets"] },
    scales: {
      x: {
        ...valueAxis({ title: "time in the measured window (s)", log: false }),
        min: 0,
        max: Number((sample.shownMs / 1000).toFixed(1)),
      },
      y: valueAxis({ title: "radio power (mW): the level is the state", log: false }),
    },
  });
}

/** Every energy chart of a results file's groups, in section order. */
export function buildEnergyCharts(groups: readonly EnergyGroup[]): ChartSpec[] {
  const byScenario = new Map<string, EnergyGroup[]>();
  for (const g of groups) byScenario.set(g.scenario, [...(byScenario.get(g.scenario) ?? []), g]);
  const charts: ChartSpec[] = [];
  let first = true;
  for (const [scenario, own] of byScenario) {
    const bars = buildEnergyBarChart(scenario, own, true);
    if (bars) charts.push(bars);
    // one timeline per strategy, of the first step only: a sweep's steps look alike
    const step = own[0];
    if (step === undefined) continue;
    for (const row of step.rows) {
      const timeline = buildEnergyTimelineChart(step, row, first);
      if (timeline) charts.push(timeline);
    }
    first = false;
  }
  return charts;
}
