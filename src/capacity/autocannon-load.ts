/**
 * A typed, abortable wrapper around autocannon's programmatic API (autocannon 9 ships no
 * types). One call = one measurement by autocannon in this (the driver's) process, turned
 * into a CapacityStep.
 */
import { createRequire } from "node:module";
import type { CapacityStep } from "../model/results.ts";

/** The subset of autocannon's options this harness uses (see its README). */
interface AutocannonOptions {
  url: string;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  duration?: number;
  amount?: number;
  overallRate?: number;
  ignoreCoordinatedOmission?: boolean;
  /** Seconds before a request counts as timed out. */
  timeout: number;
  requests: { method: "GET"; path: string }[];
  /** Return the raw (encoded) result, to be merged with aggregateResult. */
  skipAggregateResult?: boolean;
}

/** The subset of autocannon's result this harness reads. */
interface AutocannonResult {
  /** Seconds. */
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
  /** Milliseconds (integer resolution). */
  latency: { p50: number; p99: number; totalCount: number };
}

interface AutocannonInstance {
  stop(): void;
}

/** What an instance run with `skipAggregateResult` passes back: opaque but for its duration. */
interface RawResult {
  /** Seconds. */
  duration: number;
}

interface Autocannon {
  (
    options: AutocannonOptions,
    callback: (error: Error | null, result: RawResult) => void,
  ): AutocannonInstance;
  /** Merges raw results (histograms included) into one result. */
  aggregateResult(
    results: readonly RawResult[],
    options: { url: string; connections: number },
  ): AutocannonResult;
}

const require = createRequire(import.meta.url);
const autocannon = require("autocannon") as Autocannon;

export interface LoadOptions {
  /** Server origin, e.g. http://127.0.0.1:1234 */
  url: URL;
  /** Request paths (with query); every connection cycles through all of them. */
  paths: readonly string[];
  connections: number;
  /** Length in whole seconds (autocannon samples and rate-limits per second). */
  durationSec?: number;
  /** Stop after this many requests instead (warm-up). */
  amount?: number;
  /** Requests per second over all connections; absent = closed loop. */
  overallRate?: number;
  /** Seconds before a request counts as a timeout. */
  timeoutSec: number;
  signal: AbortSignal;
}

/**
 * A rate-limited load is split into up to this many autocannon instances started evenly over
 * one second (see runLoad).
 */
export const STAGGER_GROUPS = 10;

/**
 * Runs one autocannon measurement.
 *
 * autocannon rate-limits with a per-connection quota per second, and all connections of one
 * instance start their second together: every connection fires its quota back to back at the
 * top of each second, so the server sees one burst per second at full speed and even a 25 %
 * step would measure the latency of saturation. A rate-limited load is therefore split into up
 * to STAGGER_GROUPS instances (connections and rate divided between them) started 1/groups s
 * apart, so the bursts are 1/groups the size and spread over the second; their latency
 * histograms are merged with autocannon.aggregateResult.
 *
 * Rate-limited runs set `ignoreCoordinatedOmission`, so a latency is the request's own response
 * time (the correction would add the time the quota kept a request unsent). An abort stops
 * every instance and rejects.
 */
export async function runLoad(options: LoadOptions): Promise<CapacityStep> {
  const { signal } = options;
  signal.throwIfAborted();
  const target = options.overallRate;
  const groups =
    target === undefined ? 1 : Math.max(1, Math.min(STAGGER_GROUPS, options.connections, target));
  const requests = options.paths.map((path) => ({ method: "GET" as const, path }));
  const instances: AutocannonInstance[] = [];
  const timers: NodeJS.Timeout[] = [];
  const onAbort = (): void => {
    for (const timer of timers) clearTimeout(timer);
    for (const instance of instances) instance.stop();
  };
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const raw = await Promise.all(
      Array.from({ length: groups }, (_, i) => {
        const base: AutocannonOptions = {
          url: options.url.origin,
          connections: share(options.connections, groups, i),
          ...(options.amount !== undefined
            ? { amount: options.amount }
            : { duration: options.durationSec ?? 1 }),
          ...(target !== undefined
            ? { overallRate: share(target, groups, i), ignoreCoordinatedOmission: true }
            : {}),
          timeout: options.timeoutSec,
          requests,
          skipAggregateResult: true,
        };
        return new Promise<RawResult>((resolve, reject) => {
          const start = (): void => {
            if (signal.aborted) {
              reject(signal.reason);
              return;
            }
            instances.push(
              autocannon(base, (error, result) => (error ? reject(error) : resolve(result))),
            );
          };
          if (i === 0) start();
          else timers.push(setTimeout(start, (i * 1000) / groups));
        });
      }),
    );
    signal.throwIfAborted();
    const merged = autocannon.aggregateResult(raw, {
      url: options.url.origin,
      connections: options.connections,
    });
    const durationSec = raw.reduce((sum, r) => sum + r.duration, 0) / raw.length;
    return toStep(merged, durationSec, target ?? null);
  } finally {
    signal.removeEventListener("abort", onAbort);
    for (const timer of timers) clearTimeout(timer);
  }
}

/** Part i of `total` split into `parts` whole shares that differ by at most one. */
function share(total: number, parts: number, i: number): number {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0);
}

function toStep(
  result: AutocannonResult,
  durationSec: number,
  targetRps: number | null,
): CapacityStep {
  // Only 2xx answers count: a server answering 503 fast must not look faster.
  return {
    targetRps,
    achievedRps: durationSec > 0 ? result["2xx"] / durationSec : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result["2xx"],
    non2xx: result.non2xx,
    // autocannon counts timeouts among its errors; keep the two apart.
    errors: Math.max(0, result.errors - result.timeouts),
    timeouts: result.timeouts,
  };
}
