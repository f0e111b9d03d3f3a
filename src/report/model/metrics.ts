/**
 * The metrics the report shows, defined once: how to read each from a run, its unit, and how to
 * format it. Tables, charts and comparisons all go through this list, so a number is labelled and
 * converted the same way everywhere. Every metric here is "lower is better".
 */
import type { RunResult } from "../../model/results.ts";
import type { HeadlineFigure } from "../../model/summaries.ts";
import { formatValue, type ValueUnit } from "./format.ts";

export type MetricId =
  | "p50Latency"
  | "p99Latency"
  | "meanLatency"
  | "requestsPerDelivered"
  | "bytesPerDelivered"
  | "cpuMsPer1000Deliveries"
  | "rssPerConnection"
  | "requestsPerClientMinute";

export interface Metric {
  id: MetricId;
  /** Short column/legend label, e.g. "p99 latency". */
  label: string;
  /** Chart axis title with its unit, e.g. "p99 latency (ms)". */
  axisTitle: string;
  /** The value in chart units (ms, bytes, KiB...); null when not measurable. */
  chartValue: (run: RunResult) => number | null;
  /** The raw value as stored (µs, bytes...) formatted for tables; "n/a" for null. */
  format: (run: RunResult) => string;
  /** The raw stored value, for ratios and comparisons. */
  rawValue: (run: RunResult) => number | null;
  /** How raw values are displayed (tables, intervals, differences). */
  unit: ValueUnit;
  /** Raw units to chart units (µs -> ms, bytes -> KiB, else unchanged). */
  toChart: (raw: number) => number;
  /**
   * The headline figure of the results summaries this metric is (its per-run values and 95 %
   * interval are in `RunSummary.figures`), or null for a metric the summaries do not carry.
   */
  figure: HeadlineFigure | null;
  /** Summary figure units to raw units: 1000 for latencies (figures in ms, raw in µs), else 1. */
  figureToRaw: number;
}

/** Microseconds (as stored) to milliseconds (as charted). */
export const usToMs = (us: number | null): number | null => (us === null ? null : us / 1000);

/** A metric read once from a run; the table formats and the chart converts that one value. */
function metric(
  id: MetricId,
  label: string,
  axisTitle: string,
  read: (run: RunResult) => number | null,
  unit: ValueUnit,
  figure: HeadlineFigure | null,
  toChart: (value: number) => number = (value) => value,
): Metric {
  return {
    id,
    label,
    axisTitle,
    rawValue: read,
    chartValue: (run) => {
      const value = read(run);
      return value === null ? null : toChart(value);
    },
    format: (run) => formatValue(read(run), unit),
    unit,
    toChart,
    figure,
    figureToRaw: unit === "latencyUs" ? 1000 : 1,
  };
}

const latencyMetric = (
  id: MetricId,
  label: string,
  read: (run: RunResult) => number | null,
  figure: HeadlineFigure | null,
) => metric(id, label, `${label} (ms)`, read, "latencyUs", figure, (us) => us / 1000);

export const METRICS: Readonly<Record<MetricId, Metric>> = {
  p50Latency: latencyMetric("p50Latency", "p50 latency", (r) => r.latency.p50Us, "latencyP50Ms"),
  p99Latency: latencyMetric("p99Latency", "p99 latency", (r) => r.latency.p99Us, "latencyP99Ms"),
  meanLatency: latencyMetric("meanLatency", "mean latency", (r) => r.latency.meanUs, null),
  requestsPerDelivered: metric(
    "requestsPerDelivered",
    "requests per delivered",
    "HTTP requests per delivered notification",
    (r) => r.perDelivered.requests,
    "ratio",
    "requestsPerDelivered",
  ),
  bytesPerDelivered: metric(
    "bytesPerDelivered",
    "bytes per delivered",
    "bytes on the wire per delivered notification (B)",
    (r) => r.perDelivered.bytes,
    "bytes",
    "bytesPerDelivered",
  ),
  cpuMsPer1000Deliveries: metric(
    "cpuMsPer1000Deliveries",
    "server CPU per 1,000 delivered",
    "server CPU per 1,000 deliveries (ms)",
    (r) => r.server?.cpuMsPer1000Deliveries ?? null,
    "cpuMs",
    "serverCpuMsPer1000Deliveries",
  ),
  rssPerConnection: metric(
    "rssPerConnection",
    "RSS per connection",
    "server RSS per open connection (KiB)",
    (r) => r.server?.rssPerConnectionBytes ?? null,
    "bytes",
    "serverRssPerConnectionBytes",
    (bytes) => bytes / 1024,
  ),
  requestsPerClientMinute: metric(
    "requestsPerClientMinute",
    "requests per client-minute",
    "HTTP requests per client per minute",
    (r) => r.http.requestsPerClientMinute,
    "ratio",
    null,
  ),
};

/**
 * The headline metrics of the verdict table, in column order: what the between-strategy
 * verdicts and the comparison of two runs test too, so all three pages read alike.
 */
export const VERDICT_METRICS: readonly MetricId[] = [
  "p50Latency",
  "p99Latency",
  "requestsPerDelivered",
  "bytesPerDelivered",
  "cpuMsPer1000Deliveries",
  "rssPerConnection",
];
