/**
 * The server side of one run: `instances` processes of one strategy on the same Redis, each
 * sampled from /proc and scraped on /metrics, reported both summed and per instance.
 * With one instance this is simply the server under test.
 *
 * Fault scenarios kill an instance (kill -9) and restart it on the same port: an instance is a
 * slot that outlives its processes, so clients keep their URL and the window's cost covers
 * every process that ran in the slot during it.
 */

import { ProcessGoneError, readProcStats } from "../metrics/proc-stats.ts";
import {
  type ProcessSampler,
  type ProcessWindowStats,
  startProcessSampler,
} from "../metrics/process-sampler.ts";
import { combineWindows, sumWindows } from "../metrics/process-windows.ts";
import { gaugeValue, scrapeMetrics } from "../metrics/prometheus-text.ts";
import type { InstanceCost } from "../model/results.ts";
import type { StrategyId } from "../model/strategies.ts";
import { sleep } from "../util/sleep.ts";
import { PortInUseError, type ServerProcess, startServerProcess } from "./server-process.ts";

/**
 * How long a busy server gets to answer /metrics before the run goes on without it. Valid runs
 * answered in 29-115 ms at 4,000 and 10,000 clients (2-vCPU VM); a server that takes seconds is
 * saturated and its run is already invalid, and each scrape that waited 10 s for it (the
 * 10,000-client short-polling ramp step has two) only made the suite longer.
 */
export const METRICS_SCRAPE_TIMEOUT_MS = 3_000;

/** Every server process keeps two Redis connections (commands + the one subscriber). */
export const REDIS_CONNECTIONS_PER_SERVER = 2;

/**
 * How long a restart keeps trying to bind the killed instance's port. A port handed out by the
 * kernel (port 0) is an ephemeral one, so a client's outgoing connection can hold it briefly.
 */
export const RESTART_PORT_RETRY_MS = 5_000;
const RESTART_PORT_RETRY_INTERVAL_MS = 100;

const SAMPLE_INTERVAL_MS = 250;

export interface FleetWindow {
  /** Summed over instances: CPU, RSS (peaks and means added: the fleet's footprint), fds, sockets. */
  total: ProcessWindowStats;
  /**
   * One entry per instance. An instance killed (and maybe restarted) in the window covers all
   * its processes: CPU seconds, wall seconds and samples added, peaks and maxima maxed, mean
   * RSS weighted by samples, `exited` true. Its wallSeconds is the time a process was sampled,
   * so the time it was down is not in its cpuUtilization.
   */
  perInstance: ProcessWindowStats[];
}

export interface ServerFleet {
  /** The current process of every instance (a restart replaces its entry; the URL stays). */
  readonly processes: readonly ServerProcess[];
  /** Summed RSS and TCP connections across running instances, right now. */
  readTotals(): Promise<{ rssBytes: number; openSockets: number }>;
  markWindow(): Promise<void>;
  stopWindow(): Promise<FleetWindow>;
  /**
   * A gauge's value on every instance (0 where absent or the instance is down), or null when
   * a running instance could not answer /metrics (a saturated server is a finding: the reason
   * goes into `warnings`).
   */
  readGauge(name: string, when: string, warnings: string[]): Promise<number[] | null>;
  /**
   * kill -9 instance `index` (from 0); resolves once it has exited. What its sampler measured
   * until then stays in the window.
   */
  killInstance(index: number): Promise<void>;
  /**
   * Starts a new process for killed instance `index` on the same port (so the same URL) and
   * waits for /healthz. Resolves with the time the instance was down, from its exit to healthy.
   */
  restartInstance(index: number): Promise<{ downMs: number }>;
  /** Stops every instance; resolves with the exit codes (null for a killed one). Never throws for a kill. */
  stop(): Promise<(number | null)[]>;
  stderrTail(): string;
}

export interface StartServerFleetOptions {
  strategy: StrategyId;
  instances: number;
  redisUrl: string;
  keyPrefix: string;
  /** Server CLI flags for every process, e.g. ["--heartbeat-ms", "1000"]. */
  extraArgs?: string[];
}

/** One instance: its current process and what was measured of its earlier ones. */
interface Slot {
  process: ServerProcess;
  /** null while the instance is down (killed and not restarted yet). */
  sampler: ProcessSampler | null;
  /** Windows of this slot's processes killed since the window opened, closed at their kill. */
  retired: ProcessWindowStats[];
  /** performance.now() when the killed process had exited; null while running. */
  killedAtMs: number | null;
  restarting: boolean;
}

export async function startServerFleet(options: StartServerFleetOptions): Promise<ServerFleet> {
  const start = (port?: number): Promise<ServerProcess> =>
    startServerProcess({
      strategy: options.strategy,
      redisUrl: options.redisUrl,
      keyPrefix: options.keyPrefix,
      extraArgs: options.extraArgs,
      port,
    });
  const processes: ServerProcess[] = [];
  try {
    for (let i = 0; i < options.instances; i++) processes.push(await start());
  } catch (error) {
    await Promise.all(processes.map((p) => p.stop()));
    throw error;
  }
  const slots: Slot[] = processes.map((process) => ({
    process,
    sampler: startProcessSampler(process.pid, { intervalMs: SAMPLE_INTERVAL_MS }),
    retired: [],
    killedAtMs: null,
    restarting: false,
  }));

  // Window edges and kills change the slots' samplers; running them one at a time keeps a
  // kill's share in exactly one window (never lost to, or doubled by, a concurrent mark).
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const run = chain.then(task);
    chain = run.catch(() => undefined);
    return run;
  };
  const restarts = new Set<Promise<unknown>>();
  let stopping = false;

  const slotAt = (index: number, action: string): Slot => {
    const slot = Number.isInteger(index) ? slots[index] : undefined;
    if (slot === undefined) {
      throw new RangeError(
        `cannot ${action} server instance ${index}: the fleet has instances 0 to ${slots.length - 1}`,
      );
    }
    return slot;
  };

  const restartSlot = async (index: number, slot: Slot): Promise<{ downMs: number }> => {
    const port = Number(slot.process.url.port);
    const deadline = performance.now() + RESTART_PORT_RETRY_MS;
    let next: ServerProcess;
    for (;;) {
      try {
        next = await start(port);
        break;
      } catch (error) {
        if (!(error instanceof PortInUseError)) throw error;
        if (performance.now() > deadline) {
          throw new Error(
            `server instance ${index} could not get its port ${port} back within ` +
              `${RESTART_PORT_RETRY_MS} ms (${error.message}); free the port or raise RESTART_PORT_RETRY_MS`,
          );
        }
        await sleep(RESTART_PORT_RETRY_INTERVAL_MS);
      }
    }
    const downMs = performance.now() - (slot.killedAtMs ?? performance.now());
    if (stopping) {
      await next.stop();
      throw new Error(`server instance ${index} was restarted while the fleet stopped; not kept`);
    }
    await exclusive(async () => {
      slot.process = next;
      // Started inside whatever window is open: its start-up CPU belongs to that window.
      slot.sampler = startProcessSampler(next.pid, {
        intervalMs: SAMPLE_INTERVAL_MS,
        countCpuSinceStart: true,
      });
      slot.killedAtMs = null;
    });
    return { downMs };
  };

  return {
    get processes() {
      return slots.map((slot) => slot.process);
    },
    async readTotals() {
      const stats = await Promise.all(
        slots.map((slot) =>
          slot.sampler === null
            ? null
            : readProcStats(slot.process.pid).catch((error: unknown) => {
                // Killed between the check and the read: it has nothing to add.
                if (error instanceof ProcessGoneError) return null;
                throw error;
              }),
        ),
      );
      return {
        rssBytes: stats.reduce((sum, s) => sum + (s?.rssBytes ?? 0), 0),
        openSockets: stats.reduce((sum, s) => sum + (s?.openSockets ?? 0), 0),
      };
    },
    markWindow() {
      return exclusive(async () => {
        for (const slot of slots) slot.retired = [];
        await Promise.all(slots.map((slot) => slot.sampler?.mark()));
      });
    },
    stopWindow() {
      return exclusive(async () => {
        const perInstance = await Promise.all(
          slots.map(async (slot) => {
            const current = slot.sampler === null ? [] : [await slot.sampler.stop()];
            return combineWindows([...slot.retired, ...current]);
          }),
        );
        return { total: sumWindows(perInstance), perInstance };
      });
    },
    async readGauge(name, when, warnings) {
      const values: number[] = [];
      for (const [i, slot] of slots.entries()) {
        if (slot.sampler === null) {
          values.push(0); // down (killed): nothing is open on it
          continue;
        }
        const instance = slots.length > 1 ? ` (instance ${i + 1})` : "";
        try {
          const metrics = await scrapeMetrics(new URL("/metrics", slot.process.url), {
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
    async killInstance(index) {
      const slot = slotAt(index, "kill");
      return exclusive(async () => {
        const sampler = slot.sampler;
        if (sampler === null) {
          throw new Error(
            `server instance ${index} is already down (killed); restartInstance(${index}) first`,
          );
        }
        slot.sampler = null;
        // The final sample is taken just before the kill so the window keeps all but the last
        // few ms of the process; after the kill there would be nothing left to read.
        const window = await sampler.stop().catch(() => null);
        if (window !== null) slot.retired.push({ ...window, exited: true });
        await slot.process.kill();
        slot.killedAtMs = performance.now();
      });
    },
    async restartInstance(index) {
      const slot = slotAt(index, "restart");
      if (stopping)
        throw new Error(`cannot restart server instance ${index}: the fleet is stopping`);
      if (slot.sampler !== null || slot.killedAtMs === null) {
        throw new Error(
          `server instance ${index} is running; killInstance(${index}) before restarting it`,
        );
      }
      if (slot.restarting) {
        throw new Error(`server instance ${index} is already being restarted; await that restart`);
      }
      slot.restarting = true;
      const restart = restartSlot(index, slot).finally(() => {
        slot.restarting = false;
      });
      restarts.add(restart);
      restart.then(
        () => restarts.delete(restart),
        () => restarts.delete(restart),
      );
      return restart;
    },
    async stop() {
      stopping = true;
      // A restart in flight would otherwise leave a process behind.
      await Promise.all([...restarts].map((r) => r.catch(() => undefined)));
      // Idempotent: after a normal run the samplers return their memoized windows.
      await Promise.all(slots.map((slot) => slot.sampler?.stop().catch(() => undefined)));
      // A killed process's stop() resolves with null (ended by a signal) at once.
      return Promise.all(slots.map((slot) => slot.process.stop()));
    },
    stderrTail() {
      return slots
        .map((slot) => slot.process.stderrTail())
        .filter((t) => t.length > 0)
        .join("\n");
    },
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
