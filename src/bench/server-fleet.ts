/**
 * The server side of one run: `instances` processes of one strategy on the same Redis, each
 * sampled from /proc and scraped on /metrics, reported both summed and per instance.
 * With one instance this is simply the server under test.
 */

import { readProcStats } from "../metrics/proc-stats.ts";
import { type ProcessWindowStats, startProcessSampler } from "../metrics/process-sampler.ts";
import { gaugeValue, scrapeMetrics } from "../metrics/prometheus-text.ts";
import type { InstanceCost } from "../results/schema.ts";
import type { StrategyId } from "../strategies.ts";
import { type ServerProcess, startServerProcess } from "./server-process.ts";

/** How long a busy server gets to answer /metrics before the run goes on without it. */
export const METRICS_SCRAPE_TIMEOUT_MS = 10_000;

/** Every server process keeps two Redis connections (commands + the one subscriber). */
export const REDIS_CONNECTIONS_PER_SERVER = 2;

export interface FleetWindow {
  /** Summed over instances: CPU, RSS (peaks and means added: the fleet's footprint), fds, sockets. */
  total: ProcessWindowStats;
  perInstance: ProcessWindowStats[];
}

export interface ServerFleet {
  readonly processes: readonly ServerProcess[];
  /** Summed RSS and TCP connections across instances, right now. */
  readTotals(): Promise<{ rssBytes: number; openSockets: number }>;
  markWindow(): Promise<void>;
  stopWindow(): Promise<FleetWindow>;
  /**
   * A gauge's value on every instance (0 where absent), or null when any instance could not
   * answer /metrics (a saturated server is a finding: the reason goes into `warnings`).
   */
  readGauge(name: string, when: string, warnings: string[]): Promise<number[] | null>;
  /** Stops every instance; resolves with the exit codes. */
  stop(): Promise<(number | null)[]>;
  stderrTail(): string;
}

export async function startServerFleet(options: {
  strategy: StrategyId;
  instances: number;
  redisUrl: string;
  keyPrefix: string;
}): Promise<ServerFleet> {
  const processes: ServerProcess[] = [];
  try {
    for (let i = 0; i < options.instances; i++) {
      processes.push(
        await startServerProcess({
          strategy: options.strategy,
          redisUrl: options.redisUrl,
          keyPrefix: options.keyPrefix,
        }),
      );
    }
  } catch (error) {
    await Promise.all(processes.map((p) => p.stop()));
    throw error;
  }
  const samplers = processes.map((p) => startProcessSampler(p.pid, { intervalMs: 250 }));
  return {
    processes,
    async readTotals() {
      const stats = await Promise.all(processes.map((p) => readProcStats(p.pid)));
      return {
        rssBytes: stats.reduce((sum, s) => sum + s.rssBytes, 0),
        openSockets: stats.reduce((sum, s) => sum + s.openSockets, 0),
      };
    },
    async markWindow() {
      await Promise.all(samplers.map((s) => s.mark()));
    },
    async stopWindow() {
      const perInstance = await Promise.all(samplers.map((s) => s.stop()));
      return { total: sumWindows(perInstance), perInstance };
    },
    async readGauge(name, when, warnings) {
      const values: number[] = [];
      for (const [i, server] of processes.entries()) {
        const instance = processes.length > 1 ? ` (instance ${i + 1})` : "";
        try {
          const metrics = await scrapeMetrics(new URL("/metrics", server.url), {
            timeoutMs: METRICS_SCRAPE_TIMEOUT_MS,
          });
          values.push(gaugeValue(metrics, name) ?? 0);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          warnings.push(
            `the server${instance} did not answer /metrics ${when} (${reason}): it was saturated`,
          );
          return null;
        }
      }
      return values;
    },
    async stop() {
      // Idempotent: after a normal run the samplers return their memoized windows.
      await Promise.all(samplers.map((s) => s.stop().catch(() => undefined)));
      return Promise.all(processes.map((p) => p.stop()));
    },
    stderrTail() {
      return processes
        .map((p) => p.stderrTail())
        .filter((t) => t.length > 0)
        .join("\n");
    },
  };
}

function sumWindows(windows: readonly ProcessWindowStats[]): ProcessWindowStats {
  const sum = (pick: (w: ProcessWindowStats) => number): number =>
    windows.reduce((total, w) => total + pick(w), 0);
  const wallSeconds = Math.max(0, ...windows.map((w) => w.wallSeconds));
  const cpuSeconds = sum((w) => w.cpuSeconds);
  return {
    wallSeconds,
    cpuSeconds,
    cpuUtilization: wallSeconds > 0 ? cpuSeconds / wallSeconds : 0,
    peakRssBytes: sum((w) => w.peakRssBytes),
    meanRssBytes: sum((w) => w.meanRssBytes),
    startRssBytes: sum((w) => w.startRssBytes),
    endRssBytes: sum((w) => w.endRssBytes),
    maxOpenFds: sum((w) => w.maxOpenFds),
    maxOpenSockets: sum((w) => w.maxOpenSockets),
    samples: Math.min(...windows.map((w) => w.samples)),
    exited: windows.some((w) => w.exited),
  };
}

/** The per-instance part of the results. */
export function toInstanceCosts(window: FleetWindow): InstanceCost[] {
  return window.perInstance.map((w) => ({
    cpuSeconds: w.cpuSeconds,
    peakRssBytes: w.peakRssBytes,
    maxOpenSockets: w.maxOpenSockets,
  }));
}
