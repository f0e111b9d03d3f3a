/**
 * The metrics the report shows, defined once: how to read each from a run, its unit, and how to
 * format it. Tables, charts and comparisons all go through this list, so a number is labelled and
 * converted the same way everywhere. Every metric here is "lower is better".
 */
import type { RunResult } from "../model/results.ts";
import { formatBytes, formatLatencyUs, formatNumber } from "./format.ts";

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
}

const usToMs = (us: number | null): number | null => (us === null ? null : us / 1000);
const toKiB = (bytes: number | null): number | null => (bytes === null ? null : bytes / 1024);

function latencyMetric(
  id: MetricId,
  label: string,
  read: (run: RunResult) => number | null,
): Metric {
  return {
    id,
    label,
    axisTitle: `${label} (ms)`,
    rawValue: read,
    chartValue: (run) => usToMs(read(run)),
    format: (run) => formatLatencyUs(read(run)),
  };
}

export const METRICS: Readonly<Record<MetricId, Metric>> = {
  p50Latency: latencyMetric("p50Latency", "p50 latency", (r) => r.latency.p50Us),
  p99Latency: latencyMetric("p99Latency", "p99 latency", (r) => r.latency.p99Us),
  meanLatency: latencyMetric("meanLatency", "mean latency", (r) => r.latency.meanUs),
  requestsPerDelivered: {
    id: "requestsPerDelivered",
    label: "requests per delivered",
    axisTitle: "HTTP requests per delivered notification",
    rawValue: (r) => r.perDelivered.requests,
    chartValue: (r) => r.perDelivered.requests,
    format: (r) => formatNumber(r.perDelivered.requests),
  },
  bytesPerDelivered: {
    id: "bytesPerDelivered",
    label: "bytes per delivered",
    axisTitle: "bytes on the wire per delivered notification (B)",
    rawValue: (r) => r.perDelivered.bytes,
    chartValue: (r) => r.perDelivered.bytes,
    format: (r) => formatBytes(r.perDelivered.bytes),
  },
  cpuMsPer1000Deliveries: {
    id: "cpuMsPer1000Deliveries",
    label: "server CPU per 1,000 delivered",
    axisTitle: "server CPU per 1,000 deliveries (ms)",
    rawValue: (r) => r.server?.cpuMsPer1000Deliveries ?? null,
    chartValue: (r) => r.server?.cpuMsPer1000Deliveries ?? null,
    format: (r) => {
      const v = r.server?.cpuMsPer1000Deliveries ?? null;
      return v === null ? formatNumber(null) : `${formatNumber(v)} ms`;
    },
  },
  rssPerConnection: {
    id: "rssPerConnection",
    label: "RSS per connection",
    axisTitle: "server RSS per open connection (KiB)",
    rawValue: (r) => r.server?.rssPerConnectionBytes ?? null,
    chartValue: (r) => toKiB(r.server?.rssPerConnectionBytes ?? null),
    format: (r) => formatBytes(r.server?.rssPerConnectionBytes ?? null),
  },
  requestsPerClientMinute: {
    id: "requestsPerClientMinute",
    label: "requests per client-minute",
    axisTitle: "HTTP requests per client per minute",
    rawValue: (r) => r.http.requestsPerClientMinute,
    chartValue: (r) => r.http.requestsPerClientMinute,
    format: (r) => formatNumber(r.http.requestsPerClientMinute),
  },
};
