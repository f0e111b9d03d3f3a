/**
 * Latency figures of one run (or of pooled runs), in microseconds. Its own file because both
 * RunResult (results.ts) and RunSummary (summaries.ts) carry it.
 */
/** Publish-to-receive latency from the *intended* send time, measured-window receipts only. */
export interface LatencyStats {
  count: number;
  minUs: number | null;
  meanUs: number | null;
  p50Us: number | null;
  p90Us: number | null;
  p99Us: number | null;
  p999Us: number | null;
  maxUs: number | null;
  /** HdrHistogram (hdr-histogram-js) compressed base64 encoding, microsecond values; null when none was recorded (k6 imports). */
  histogram: string | null;
}

/** Latency of a run with no sample: every figure null (not measurable), never zero. */
export function emptyLatencyStats(histogram: string | null): LatencyStats {
  return {
    count: 0,
    minUs: null,
    meanUs: null,
    p50Us: null,
    p90Us: null,
    p99Us: null,
    p999Us: null,
    maxUs: null,
    histogram,
  };
}
