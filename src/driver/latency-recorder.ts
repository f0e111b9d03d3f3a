/**
 * Publish-to-receive latency in microseconds, kept in an HdrHistogram (pure JS build, no
 * WASM: nothing to initialise, and the driver records at most a few thousand values a second).
 * Values are recorded only while measuring, so warm-up and drain never leak into the numbers.
 * The histogram's range, precision and encoding live in src/results/latency-histogram.ts, the
 * format results files carry.
 */
import type { LatencyStats } from "../model/latency-stats.ts";
import {
  clampLatencyUs,
  createLatencyHistogram,
  summarizeHistogram,
} from "../results/latency-histogram.ts";
import { type Clock, monotonicClock } from "./clock.ts";

export interface LatencyRecorderOptions {
  /** Clock for `recordSince`. Default: the process's monotonic clock. */
  clock?: Clock;
  /** Start in the measuring state. Default false: nothing is recorded until `start()`. */
  measuring?: boolean;
}

/**
 * Records latencies while measuring. Usage: `const recorder = new LatencyRecorder()`,
 * `recorder.start()` when the window opens, `record(latencyUs)` per receipt, `stop()`,
 * then `summary()`.
 */
export class LatencyRecorder {
  readonly #clock: Clock;
  readonly #histogram = createLatencyHistogram();
  #measuring: boolean;

  constructor(options: LatencyRecorderOptions = {}) {
    this.#clock = options.clock ?? monotonicClock;
    this.#measuring = options.measuring ?? false;
  }

  /** True between `start()` and `stop()`. */
  get measuring(): boolean {
    return this.#measuring;
  }

  start(): void {
    this.#measuring = true;
  }

  stop(): void {
    this.#measuring = false;
  }

  /** Records `latencyUs` if measuring; returns whether it was recorded. Values clamp to [1 us, 1 h]. */
  record(latencyUs: number): boolean {
    if (!this.#measuring || Number.isNaN(latencyUs)) return false;
    this.#histogram.recordValue(clampLatencyUs(latencyUs));
    return true;
  }

  /** Records `clock.nowUs() - sinceUs` if measuring; returns whether it was recorded. */
  recordSince(sinceUs: number): boolean {
    return this.record(this.#clock.nowUs() - sinceUs);
  }

  /** Count, percentiles (us) and the encoded histogram; every figure null when empty. */
  summary(): LatencyStats & { histogram: string } {
    return summarizeHistogram(this.#histogram);
  }
}
