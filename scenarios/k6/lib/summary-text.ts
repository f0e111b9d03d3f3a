/**
 * The short text handleSummary prints on stdout (the full summary goes to summary.json). Pure:
 * reads k6's summary object (`{metrics: {name: {type, contains, values}}, state, ...}`).
 */
import { K6_METRICS, RECEIVER_DATA_RECEIVED, RECEIVER_DATA_SENT } from "./metric-names.ts";

function values(data: Record<string, unknown>, name: string): Record<string, unknown> | null {
  const metrics = data.metrics;
  if (typeof metrics !== "object" || metrics === null) return null;
  const metric = (metrics as Record<string, unknown>)[name];
  if (typeof metric !== "object" || metric === null) return null;
  const v = (metric as { values?: unknown }).values;
  return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : null;
}

function num(data: Record<string, unknown>, name: string, key: string): string {
  const value = values(data, name)?.[key];
  if (typeof value !== "number" || !Number.isFinite(value)) return "n/a";
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** A few lines: delivery, latency, requests, bytes and where the JSON went. */
export function summaryText(data: Record<string, unknown>, summaryPath = "summary.json"): string {
  const m = K6_METRICS;
  const lat = (key: string): string => num(data, m.deliveryLatency, key);
  return [
    "",
    "push-vs-poll k6 run",
    `  published ${num(data, m.published, "count")} (errors ${num(data, m.publishErrors, "count")}), received ${num(data, m.received, "count")}, in window ${num(data, m.receivedInWindow, "count")}`,
    `  seq gaps ${num(data, m.seqGaps, "count")}, duplicates ${num(data, m.seqDuplicates, "count")}, reordered ${num(data, m.seqReordered, "count")}, wrong user ${num(data, m.foreign, "count")}`,
    `  delivery latency ms: p50 ${lat("med")}, p90 ${lat("p(90)")}, p99 ${lat("p(99)")}, max ${lat("max")} (n=${lat("count")})`,
    `  receiver requests ${num(data, m.receiverRequests, "count")} (in window ${num(data, m.receiverRequestsInWindow, "count")}), empty polls ${num(data, m.emptyPolls, "count")}, errors ${num(data, m.receiverErrors, "count")}, SSE reconnects ${num(data, m.reconnects, "count")}`,
    `  receiver bytes (k6 level): sent ${num(data, RECEIVER_DATA_SENT, "count")}, received ${num(data, RECEIVER_DATA_RECEIVED, "count")}`,
    `  dropped publish iterations ${num(data, "dropped_iterations", "count")}`,
    `  full summary: ${summaryPath} (import: npm run report -- --k6 ${summaryPath})`,
    "",
  ].join("\n");
}
