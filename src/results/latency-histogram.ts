/**
 * The latency histogram format of results files: HdrHistogram (pure JS build, no WASM) over
 * microseconds, 1 us .. 1 h at 3 significant digits, stored as compressed base64. The driver
 * records into it; results summaries merge the repetitions' histograms into pooled percentiles;
 * the report decodes it for CDFs. One home, so all three agree on range and precision.
 */
import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
  type JsHistogram,
} from "hdr-histogram-js";
import { emptyLatencyStats, type LatencyStats } from "../model/latency-stats.ts";

/** Smallest latency told apart from zero: 1 us. Smaller values are recorded as 1 us. */
export const LOWEST_LATENCY_US = 1;
/** Largest latency tracked: 1 hour. Larger values are recorded as 1 hour (and counted). */
export const HIGHEST_LATENCY_US = 3_600_000_000;
/** Value precision: 3 significant digits (0.1 % relative error). */
export const LATENCY_SIGNIFICANT_DIGITS = 3;

/** Creates an empty histogram with the recorder's range and precision. */
export function createLatencyHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: LOWEST_LATENCY_US,
    highestTrackableValue: HIGHEST_LATENCY_US,
    numberOfSignificantValueDigits: LATENCY_SIGNIFICANT_DIGITS,
    // A fixed range: an out-of-range value is clamped by us, never a surprise resize.
    autoResize: false,
    useWebAssembly: false,
  });
}

/** Rounds to whole microseconds inside the tracked range [1 us, 1 h]. */
export function clampLatencyUs(latencyUs: number): number {
  return Math.min(HIGHEST_LATENCY_US, Math.max(LOWEST_LATENCY_US, Math.round(latencyUs)));
}

/**
 * The LatencyStats of any histogram (e.g. one merged from several decoded runs).
 * min and max are reported at histogram precision (the bounds of their buckets), like the
 * percentiles, so a live recorder and its decoded histogram give identical numbers.
 */
export function summarizeHistogram(histogram: Histogram): LatencyStats & { histogram: string } {
  const count = histogram.totalCount;
  const encoded = encodeHistogram(histogram);
  if (count === 0) {
    return { ...emptyLatencyStats(encoded), histogram: encoded };
  }
  return {
    count,
    minUs: js(histogram).lowestEquivalentValue(histogram.minNonZeroValue),
    meanUs: histogram.mean,
    p50Us: histogram.getValueAtPercentile(50),
    p90Us: histogram.getValueAtPercentile(90),
    p99Us: histogram.getValueAtPercentile(99),
    p999Us: histogram.getValueAtPercentile(99.9),
    maxUs: js(histogram).highestEquivalentValue(histogram.maxValue),
    histogram: encoded,
  };
}

/** Every histogram here is the pure JS build, which has the equivalent-value helpers. */
function js(histogram: Histogram): JsHistogram {
  return histogram as unknown as JsHistogram;
}

/** HdrHistogram's compressed base64 form, readable by every HdrHistogram implementation. */
export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

/** Decodes `LatencyStats.histogram` so percentiles can be recomputed or runs merged (`add`). */
export function decodeHistogram(base64: string): Histogram {
  return decodeFromCompressedBase64(base64, 32, false);
}

/**
 * Adds several encoded histograms into one (the repetitions of a group): pooled percentiles
 * weigh every receipt equally, whichever run it came from. null when none is given.
 */
export function mergeHistograms(
  encoded: readonly string[],
): (LatencyStats & { histogram: string }) | null {
  if (encoded.length === 0) return null;
  const merged = createLatencyHistogram();
  for (const item of encoded) merged.add(decodeHistogram(item));
  return summarizeHistogram(merged);
}
