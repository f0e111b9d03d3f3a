/**
 * What the servers say about slow consumers after a run: how many streams they cut and why
 * (`pvp_sse_streams_cut_total{reason}`), and the largest send buffer one stream reached
 * (`pvp_sse_max_buffered_bytes`), summed / maxed over the fleet's instances.
 */
import { type MetricMap, scrapeMetrics } from "../metrics/prometheus-text.ts";

/** Human wording of the cut reasons the servers label their counter with. */
const REASON_TEXT: Readonly<Record<string, string>> = {
  stalled: "stalled: the client took nothing within the stall bound",
  "buffer-full": "buffer-full: unsent bytes passed the per-stream bound",
};

export interface ServerCutStats {
  cuts: number;
  reasons: string[];
  maxBufferedBytes: number | null;
}

export async function readServerCutStats(
  urls: readonly URL[],
  timeoutMs: number,
): Promise<ServerCutStats> {
  let cuts = 0;
  let maxBufferedBytes: number | null = null;
  const reasons = new Set<string>();
  for (const url of urls) {
    const metrics: MetricMap = await scrapeMetrics(new URL("/metrics", url), { timeoutMs });
    for (const sample of metrics.get("pvp_sse_streams_cut_total") ?? []) {
      if (!(sample.value > 0)) continue;
      cuts += sample.value;
      const reason = sample.labels.reason ?? "unlabelled";
      reasons.add(REASON_TEXT[reason] ?? reason);
    }
    for (const sample of metrics.get("pvp_sse_max_buffered_bytes") ?? []) {
      maxBufferedBytes = Math.max(maxBufferedBytes ?? 0, sample.value);
    }
  }
  return { cuts, reasons: [...reasons].sort(), maxBufferedBytes };
}

/** The `--sse-max-buffered-bytes` value among server flags, or null when not given. */
export function bufferBoundFromArgs(args: readonly string[] | undefined): number | null {
  const index = args?.indexOf("--sse-max-buffered-bytes") ?? -1;
  const value = index >= 0 ? Number(args?.[index + 1]) : Number.NaN;
  return Number.isFinite(value) ? value : null;
}
