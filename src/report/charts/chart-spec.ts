/**
 * What every chart builder returns, and the shared option helpers that make all charts look alike:
 * animation off, a title, titled axes with units, log scales when values span decades.
 * Configurations are plain JSON (no callbacks) so the very same object renders to PNG/SVG in Node
 * and is embedded into report.html for Chart.js in the browser.
 */
import type { ChartConfiguration } from "chart.js";
// the error-bar chart type's declarations (it augments chart.js's ChartTypeRegistry)
import type { IErrorBarYDataPoint } from "chartjs-chart-error-bars";
import { GRID_COLOR } from "../model/palette.ts";

/**
 * A Chart.js configuration as the report builds it: bar or line, or bars with error bars
 * (chartjs-chart-error-bars' "barWithErrorBars", registered by both renderers, see
 * render/image.ts and render/report-html.ts), JSON-serialisable.
 */
export type ReportChartConfig =
  | ChartConfiguration<"bar">
  | ChartConfiguration<"line">
  | ChartConfiguration<"barWithErrorBars">;

/** The chart types the builders use. */
export type ReportChartType = "bar" | "line" | "barWithErrorBars";

/**
 * How the whiskers of an error bar look: the page's text colour, 1.5 px, whiskers a third of
 * the bar wide, so they read on every strategy colour and in greyscale print.
 */
export const ERROR_BAR_STYLE = {
  errorBarColor: "#1d1d1f",
  errorBarWhiskerColor: "#1d1d1f",
  errorBarLineWidth: 1.5,
  errorBarWhiskerLineWidth: 1.5,
  errorBarWhiskerRatio: 0.3,
} as const;

/** Means, upper bounds and positive lower bounds: what an axis must span to show every whisker. */
export function intervalAxisValues(
  figures: readonly { y: number; lo: number | null; hi: number | null }[],
): number[] {
  return figures.flatMap((f) => [
    f.y,
    ...(f.hi === null ? [] : [f.hi]),
    ...(f.lo !== null && f.lo > 0 ? [f.lo] : []),
  ]);
}

/** A bar's point for barWithErrorBars: its mean and, when it has one, its 95 % interval. */
export interface ErrorBarPoint {
  y: number | null;
  yMin?: number;
  yMax?: number;
}

/**
 * Points as the plugin's types want them. Its type has no room for a missing bar (`y: null`,
 * which Chart.js skips like a null in plain bar data), hence the one cast.
 */
export function errorBarData(points: readonly ErrorBarPoint[]): IErrorBarYDataPoint[] {
  return points as unknown as IErrorBarYDataPoint[];
}

/**
 * The point of one bar: `{y}` for a single run, `{y, yMin, yMax}` with an interval. On a log
 * axis a lower bound at or below zero cannot be drawn: it is clamped to `floor` (the axis
 * minimum), so the whisker runs off the bottom of the plot instead of vanishing.
 */
export function errorBarPoint(
  figure: { y: number; lo: number | null; hi: number | null } | null,
  floor: number | null = null,
): ErrorBarPoint {
  if (figure === null) return { y: null };
  if (figure.lo === null || figure.hi === null) return { y: figure.y };
  const lo = floor !== null && figure.lo < floor ? floor : figure.lo;
  return { y: figure.y, yMin: lo, yMax: figure.hi };
}

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

/** How a measured line looks: 2 px in `color`, dots of `pointRadius` px (0: none), no fill. */
export function lineStyle(color: string, pointRadius: number) {
  return { borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius, fill: false };
}

/** A category axis with a title. */
export function categoryAxis(title: string) {
  return {
    type: "category" as const,
    title: { display: true, text: title },
    grid: { display: false },
  };
}

/** What a chart builder decides; chartSpec adds what every chart shares. */
export interface ChartParts<T extends ReportChartType> {
  id: string;
  scenario: string;
  title: string;
  /**
   * A line under the title saying what the marks are, e.g. "mean of 3 runs per bar; whiskers:
   * 95 % interval"; none for single runs, whose charts look as they always did.
   */
  subtitle?: string | null;
  key: boolean;
  type: T;
  data: ChartConfiguration<T>["data"];
  /** Show the legend (at the bottom); off for one-dataset charts whose title says it all. */
  legend: boolean;
  scales: NonNullable<ChartConfiguration<T>["options"]>["scales"];
}

/** A chart as every builder returns it: animation off, the title on top, the given axes. */
export function chartSpec<T extends ReportChartType>(parts: ChartParts<T>): ChartSpec {
  const { id, scenario, title, key, type, data, legend, scales } = parts;
  const options = {
    animation: false as const,
    plugins: basePlugins(title, legend, parts.subtitle ?? null),
    scales,
  };
  return { id, scenario, title, key, config: { type, data, options } as ReportChartConfig };
}

/** Plugin options shared by all charts: title (and subtitle) on top, legend at the bottom. */
function basePlugins(title: string, showLegend: boolean, subtitle: string | null) {
  return {
    title: { display: true, text: title, font: { size: 16 } },
    ...(subtitle === null
      ? {}
      : { subtitle: { display: true, text: subtitle, color: "#5f6368", padding: { bottom: 6 } } }),
    legend: { display: showLegend, position: "bottom" as const },
  };
}

/** "mean of 3 runs", "means of 2-5 valid runs": what a mark stands for. */
export function meansOf(counts: readonly number[]): string {
  const distinct = [...new Set(counts)].sort((a, b) => a - b);
  if (distinct.length === 1) return `mean of ${distinct[0]} runs`;
  return `means of ${distinct[0]}-${distinct.at(-1)} valid runs`;
}

/**
 * The band of a line: two datasets, the upper bound and the lower one filled up to it, in the
 * line's colour at low alpha; their labels end with BAND_LABEL_SUFFIX so the legend leaves them
 * out (charts/legend-filter.ts). Points with no interval are skipped (the band narrows to the
 * line there, Chart.js joins the neighbours).
 */
export function bandDatasets(
  label: string,
  fill: string,
  points: readonly { x: number; lo: number | null; hi: number | null }[],
  floor: number | null = null,
) {
  const withBounds = points.filter(
    (p): p is { x: number; lo: number; hi: number } => p.lo !== null && p.hi !== null,
  );
  if (withBounds.length === 0) return [];
  const clamp = (y: number) => (floor !== null && y < floor ? floor : y);
  const common = {
    borderWidth: 0,
    pointRadius: 0,
    pointHitRadius: 0,
    backgroundColor: fill,
    borderColor: fill,
    // drawn behind the measured lines (higher order = drawn first)
    order: 2,
  };
  return [
    {
      ...common,
      label: `${label}${BAND_LABEL_SUFFIX}`,
      data: withBounds.map((p) => ({ x: p.x, y: clamp(p.hi) })),
      fill: false,
    },
    {
      ...common,
      label: `${label}${BAND_LABEL_SUFFIX}`,
      data: withBounds.map((p) => ({ x: p.x, y: clamp(p.lo) })),
      // fill up to the dataset before it: the upper bound
      fill: "-1",
    },
  ];
}

/** Labels of band datasets end with this; the legend filter hides them (charts/legend-filter.ts). */
export const BAND_LABEL_SUFFIX = " (95 % interval)";
