/**
 * The driver watching itself. Thousands of simulated clients live in one Node process; if
 * that process runs out of CPU or its event loop stalls, the latencies it records are the
 * driver's, not the server's. This module measures that and judges whether a run is valid.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

/**
 * Default upper bound on driver CPU utilization (CPU seconds / wall seconds) in the window:
 * 0.9 = 90% of one core. The driver's JavaScript runs on one thread, so near 1.0 it is
 * queueing its own work and the measurements stop describing the server.
 */
export const DEFAULT_MAX_DRIVER_CPU_UTILIZATION = 0.9;

/**
 * Default upper bound on the driver's p99 event-loop delay, milliseconds. Above this, a
 * response can sit unread for that long before its latency is recorded.
 */
export const DEFAULT_MAX_DRIVER_EVENT_LOOP_DELAY_P99_MS = 100;

export interface DriverHealthThresholds {
  /** Highest acceptable cpuSeconds / wallSeconds (1.0 = one core). */
  maxCpuUtilization: number;
  /** Highest acceptable p99 event-loop delay, ms. */
  maxEventLoopDelayP99Ms: number;
}

export const DEFAULT_DRIVER_HEALTH_THRESHOLDS: Readonly<DriverHealthThresholds> = Object.freeze({
  maxCpuUtilization: DEFAULT_MAX_DRIVER_CPU_UTILIZATION,
  maxEventLoopDelayP99Ms: DEFAULT_MAX_DRIVER_EVENT_LOOP_DELAY_P99_MS,
});

export interface DriverHealth {
  valid: boolean;
  /** One plain sentence per violated threshold; empty when valid. */
  reasons: string[];
}

const percent = (ratio: number): string => `${Math.round(ratio * 100)}%`;

/**
 * Decides whether the driver stayed healthy enough for a run's numbers to be trusted.
 * A value that is not a finite number could not be measured and also invalidates the run.
 */
export function judgeDriverHealth(
  measured: { cpuUtilization: number; eventLoopDelayP99Ms: number },
  thresholds: DriverHealthThresholds = DEFAULT_DRIVER_HEALTH_THRESHOLDS,
): DriverHealth {
  const reasons: string[] = [];
  const { cpuUtilization: cpu, eventLoopDelayP99Ms: delay } = measured;
  if (!Number.isFinite(cpu)) {
    reasons.push(
      "driver CPU could not be measured, so the driver cannot be ruled out as the bottleneck",
    );
  } else if (cpu > thresholds.maxCpuUtilization) {
    reasons.push(
      `driver CPU was ${percent(cpu)} of one core (limit ${percent(thresholds.maxCpuUtilization)}): ` +
        "the driver, not the server, may have been the bottleneck; use fewer clients or a faster machine",
    );
  }
  if (!Number.isFinite(delay)) {
    reasons.push(
      "driver event-loop delay could not be measured, so late readings cannot be ruled out",
    );
  } else if (delay > thresholds.maxEventLoopDelayP99Ms) {
    reasons.push(
      `driver event-loop delay p99 was ${Math.round(delay)} ms (limit ${thresholds.maxEventLoopDelayP99Ms} ms): ` +
        "responses waited in the driver before being timed, so latencies are overstated; use fewer clients or a faster machine",
    );
  }
  return { valid: reasons.length === 0, reasons };
}

export interface SelfCheckOptions {
  /** Event-loop delay sampling resolution, ms (default 10). */
  resolutionMs?: number;
}

/** The driver's own cost over the window between `mark()` (or start) and `stop()`. */
export interface SelfCheckResult {
  /** Wall time of the window, seconds. */
  wallSeconds: number;
  /** user + system CPU of the whole driver process (all threads) in the window, seconds. */
  cpuSeconds: number;
  /**
   * cpuSeconds / wallSeconds. Can exceed 1.0 because GC and libuv threads count too.
   * 0 for an empty window.
   */
  cpuUtilization: number;
  /**
   * p99 event-loop delay in the window, ms: how late the loop ran a timer, with the
   * sampling resolution subtracted (the raw histogram measures the timer interval itself,
   * so an idle loop would otherwise read ~resolutionMs). 0 when no delay was sampled.
   * Note prom-client's `nodejs_eventloop_lag_p99_seconds` does NOT subtract its 10 ms.
   */
  eventLoopDelayP99Ms: number;
  /** Largest event-loop delay in the window, ms (resolution subtracted, as above). */
  eventLoopDelayMaxMs: number;
  /** Resident set size at stop(), bytes. */
  rssBytes: number;
}

export interface SelfCheck {
  /** Starts the measured window: resets the CPU baseline and the delay histogram. */
  mark(): void;
  /** Ends the window and stops monitoring. Idempotent. */
  stop(): SelfCheckResult;
}

/**
 * Converts a raw `monitorEventLoopDelay` value (ns between two runs of its `resolutionMs`
 * timer) into how late the timer ran, ms. Never negative.
 */
export function netEventLoopDelayMs(rawNanoseconds: number, resolutionMs: number): number {
  return Math.max(0, rawNanoseconds / 1e6 - resolutionMs);
}

/** Starts watching this process's CPU and event-loop delay. */
export function startSelfCheck(options: SelfCheckOptions = {}): SelfCheck {
  const resolutionMs = options.resolutionMs ?? 10;
  if (!(resolutionMs >= 1)) throw new RangeError(`resolutionMs must be >= 1, got ${resolutionMs}`);
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  let cpuAtMark = process.cpuUsage();
  let wallAtMark = performance.now();
  let result: SelfCheckResult | null = null;

  const delayMs = (nanoseconds: number): number =>
    histogram.count === 0 ? 0 : netEventLoopDelayMs(nanoseconds, resolutionMs);

  return {
    mark() {
      if (result !== null) throw new Error("self-check already stopped");
      histogram.reset();
      cpuAtMark = process.cpuUsage();
      wallAtMark = performance.now();
    },
    stop() {
      if (result !== null) return result;
      const cpu = process.cpuUsage(cpuAtMark);
      const wallSeconds = (performance.now() - wallAtMark) / 1000;
      histogram.disable();
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      result = {
        wallSeconds,
        cpuSeconds,
        cpuUtilization: wallSeconds > 0 ? cpuSeconds / wallSeconds : 0,
        eventLoopDelayP99Ms: delayMs(histogram.percentile(99)),
        eventLoopDelayMaxMs: delayMs(histogram.max),
        rssBytes: process.memoryUsage.rss(),
      };
      return result;
    },
  };
}
