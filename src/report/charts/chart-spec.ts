/**
 * What every chart builder returns, and the shared option helpers that make all charts look alike:
 * animation off, a title, titled axes with units, log scales when values span decades.
 * Configurations are plain JSON (no callbacks) so the very same object renders to PNG/SVG in Node
 * and is embedded into report.html for Chart.js in the browser.
 */
import type { ChartConfiguration } from "chart.js";
import { GRID_COLOR } from "../palette.ts";

/** A Chart.js configuration as the report builds it: bar or line, JSON-serialisable. */
export type ReportChartConfig = ChartConfiguration<"bar"> | ChartConfiguration<"line">;

export interface ChartSpec {
  /** File-name-safe id, unique within a report, e.g. "steady-latency-percentiles". */
  id: string;
  scenario: string;
  /** Human title (also the chart's own title), e.g. "steady: latency percentiles". */
  title: string;
  /** One of the charts worth putting into summary.md. */
  key: boolean;
  config: ReportChartConfig;
}

/** Ratio of largest to smallest value above which an axis goes logarithmic. */
export const LOG_SCALE_MIN_SPAN = 20;

/** True when all values are positive and span at least LOG_SCALE_MIN_SPAN (about 1.3 decades). */
export function spansDecades(values: readonly number[]): boolean {
  if (values.length < 2 || values.some((v) => v <= 0)) return false;
  return Math.max(...values) / Math.min(...values) >= LOG_SCALE_MIN_SPAN;
}

/** File-name-safe slug of a scenario or chart name. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "chart"
  );
}

/** The 1-2-5 step at or below `value` (for value > 0), e.g. 0.034 -> 0.02, 730 -> 500. */
export function floorTo125(value: number): number {
  const exponent = Math.floor(Math.log10(value));
  const base = 10 ** exponent;
  const step = [5, 2, 1].find((m) => m * base <= value * (1 + 1e-9)) ?? 1;
  return Number((step * base).toPrecision(3));
}

/** The 1-2-5 step at or above `value` (for value > 0), e.g. 0.034 -> 0.05, 730 -> 1000. */
export function ceilTo125(value: number): number {
  const exponent = Math.floor(Math.log10(value));
  const base = 10 ** exponent;
  const step = [1, 2, 5, 10].find((m) => m * base >= value * (1 - 1e-9)) ?? 10;
  return Number((step * base).toPrecision(3));
}

/**
 * Bounds of a log axis rounded out to labelled 1-2-5 steps, so the largest bar or point is never
 * flush with the top edge and both ends carry a label.
 */
export function logBounds(values: readonly number[]): { min: number; max: number } {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return { min: 1, max: 10 };
  // 5 % headroom at both ends: a bar equal to the axis minimum would have no height at all
  return {
    min: floorTo125(Math.min(...positive) * 0.95),
    max: ceilTo125(Math.max(...positive) * 1.05),
  };
}

export interface AxisOptions {
  title: string;
  log: boolean;
  /** Linear axes start at zero unless told otherwise; bars must. */
  beginAtZero?: boolean;
  min?: number;
  max?: number;
}

/**
 * A numeric (linear or logarithmic) axis with a title. Pass `values` on log axes to round the
 * bounds out to 1-2-5 steps (see logBounds).
 */
export function valueAxis(axis: AxisOptions, values?: readonly number[]) {
  const bounds =
    axis.log && values !== undefined && axis.min === undefined ? logBounds(values) : {};
  return {
    ...bounds,
    type: axis.log ? ("logarithmic" as const) : ("linear" as const),
    title: { display: true, text: axis.title },
    grid: { color: GRID_COLOR },
    ...(axis.log ? {} : { beginAtZero: axis.beginAtZero ?? true }),
    ...(axis.min === undefined ? {} : { min: axis.min }),
    ...(axis.max === undefined ? {} : { max: axis.max }),
  };
}

/** A category axis with a title. */
export function categoryAxis(title: string) {
  return {
    type: "category" as const,
    title: { display: true, text: title },
    grid: { display: false },
  };
}

/** Plugin options shared by all charts: title on top, legend at the bottom. */
export function basePlugins(title: string, showLegend: boolean) {
  return {
    title: { display: true, text: title, font: { size: 16 } },
    legend: { display: showLegend, position: "bottom" as const },
  };
}
