/**
 * The processes of a server the bench does not own (`--target-pid`, repeatable), sampled with
 * the same /proc sampler as our own servers, so a `--target` run reports server CPU, RSS, RSS
 * per connection and open sockets too. What the bench cannot read from a foreign server (its
 * /metrics gauges) is simply absent; the run falls back to /proc's socket counts.
 */
import { ProcessGoneError, readProcStats } from "./proc-stats.ts";
import { type ProcessWindowStats, startProcessSampler } from "./process-sampler.ts";
import { sumWindows } from "./process-windows.ts";

export interface ProcessGroupWindow {
  /** Summed over the processes. */
  total: ProcessWindowStats;
  /** One entry per process, in the order the pids were given. */
  perInstance: ProcessWindowStats[];
}

export interface ProcessGroup {
  readonly pids: readonly number[];
  /** RSS and TCP connections now, summed (a process that exited adds nothing). */
  readTotals(): Promise<{ rssBytes: number; openSockets: number }>;
  markWindow(): Promise<void>;
  stopWindow(): Promise<ProcessGroupWindow>;
  /** Stops the samplers; the processes themselves are left alone. Idempotent. */
  close(): Promise<void>;
}

const SAMPLE_INTERVAL_MS = 250;

/**
 * Starts sampling `pids` (one group per run, like a fleet: mark at the window's start, stop at
 * its end). Rejects with a message naming the pid and the fix when one is not a
 * running process this user can read (checked once, up front, so a typo fails before a run).
 */
export async function startProcessGroup(pids: readonly number[]): Promise<ProcessGroup> {
  for (const pid of pids) {
    try {
      await readProcStats(pid);
    } catch (error) {
      const why =
        error instanceof ProcessGoneError
          ? "is not running"
          : `cannot be read (${(error as Error).message})`;
      throw new Error(
        `--target-pid ${pid} ${why}; give the pid of the target server's process on this machine (e.g. pgrep -f nginx)`,
      );
    }
  }
  const samplers = pids.map((pid) => startProcessSampler(pid, { intervalMs: SAMPLE_INTERVAL_MS }));
  let closed = false;
  return {
    pids,
    async readTotals() {
      const stats = await Promise.all(
        pids.map((pid) =>
          readProcStats(pid).catch((error: unknown) => {
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
    async markWindow() {
      await Promise.all(samplers.map((s) => s.mark()));
    },
    async stopWindow() {
      const perInstance = await Promise.all(samplers.map((s) => s.stop()));
      return { total: sumWindows(perInstance), perInstance };
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(samplers.map((s) => s.stop().catch(() => undefined)));
    },
  };
}
