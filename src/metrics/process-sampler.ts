/**
 * Periodic /proc sampling of one process (the server under test) with a measurement window:
 * `mark()` opens the window, `stop()` closes it and summarises CPU, memory, fds and sockets.
 * Memory use is constant: running sums and maxima only, no sample arrays.
 */
import { ProcessGoneError, type ProcStats, readProcStats } from "./proc-stats.ts";

export interface ProcessSamplerOptions {
  /** Time between samples, ms (default 250). Peaks shorter than this can be missed. */
  intervalMs?: number;
  /** Count TCP connections at all (default true); see `ReadProcStatsOptions` for the cost. */
  countSockets?: boolean;
  /**
   * Minimum time between TCP connection counts, ms (default 2000). Counting costs the
   * sampling process ~15 ms of CPU per 1,000 sockets in the network namespace, too much for
   * every 250 ms tick with thousands of clients. The samples taken by mark() and stop()
   * always count; other samples carry the last count forward.
   */
  socketIntervalMs?: number;
  /** Called for sampling errors other than the process exiting (default: ignored). */
  onError?: (err: Error) => void;
  /**
   * The first window (the one before any mark()) counts the CPU the process used since it
   * started, not only since the first sample (default false). For a process started inside a
   * window that is already open elsewhere, e.g. a server restarted during the measured window:
   * its start-up is part of that window's cost.
   */
  countCpuSinceStart?: boolean;
}

/** Summary of the window between `mark()` (or the sampler start) and `stop()`. */
export interface ProcessWindowStats {
  /** Wall time between the first and last sample of the window, seconds. */
  wallSeconds: number;
  /** user + system CPU used in the window, seconds. */
  cpuSeconds: number;
  /** cpuSeconds / wallSeconds: 1.0 = one core busy the whole window. 0 when wallSeconds is 0. */
  cpuUtilization: number;
  /** Highest sampled RSS in the window, bytes (sampled: a spike between samples is missed). */
  peakRssBytes: number;
  /** Mean of the sampled RSS values in the window, bytes. */
  meanRssBytes: number;
  /** RSS of the first sample of the window, bytes (baseline for per-connection growth). */
  startRssBytes: number;
  /** RSS of the last sample of the window, bytes. */
  endRssBytes: number;
  /** Highest sampled open fd count in the window. */
  maxOpenFds: number;
  /**
   * Highest open TCP connection count seen in the window (0 when not counted). Counted at
   * mark(), stop() and every `socketIntervalMs` in between, so shorter peaks can be missed.
   */
  maxOpenSockets: number;
  /** Successful samples in the window (including the ones taken by mark() and stop()). */
  samples: number;
  /** true when the process exited during the window; the figures cover it until then. */
  exited: boolean;
}

export interface ProcessSampler {
  readonly pid: number;
  /**
   * Opens a new window: takes a sample now and resets CPU baseline, mean/peak RSS and maxima.
   * Rejects when that sample fails (e.g. ProcessGoneError); stop() then rejects the same way,
   * so not awaiting mark() cannot silently yield a wrong window.
   */
  mark(): Promise<void>;
  /**
   * Takes a final sample, stops the timer and summarises the window. Idempotent.
   * Rejects when mark() failed or no sample could be taken at all.
   */
  stop(): Promise<ProcessWindowStats>;
  /**
   * The most recent successful sample, or null before the first. Its openSockets is the most
   * recent count, which may be up to `socketIntervalMs` older than the rest.
   */
  latest(): ProcStats | null;
}

interface Window {
  startAtMs: number;
  startCpuSeconds: number;
  startRssBytes: number;
  lastAtMs: number;
  last: ProcStats;
  samples: number;
  rssSum: number;
  peakRssBytes: number;
  maxOpenFds: number;
  maxOpenSockets: number;
}

function openWindow(at: number, s: ProcStats, startCpuSeconds = s.cpuSeconds): Window {
  return {
    startAtMs: at,
    startCpuSeconds,
    startRssBytes: s.rssBytes,
    lastAtMs: at,
    last: s,
    samples: 1,
    rssSum: s.rssBytes,
    peakRssBytes: s.rssBytes,
    maxOpenFds: s.openFds,
    maxOpenSockets: s.openSockets,
  };
}

function addSample(w: Window, at: number, s: ProcStats): void {
  w.lastAtMs = at;
  w.last = s;
  w.samples++;
  w.rssSum += s.rssBytes;
  w.peakRssBytes = Math.max(w.peakRssBytes, s.rssBytes);
  w.maxOpenFds = Math.max(w.maxOpenFds, s.openFds);
  w.maxOpenSockets = Math.max(w.maxOpenSockets, s.openSockets);
}

function summarise(w: Window, exited: boolean): ProcessWindowStats {
  const wallSeconds = (w.lastAtMs - w.startAtMs) / 1000;
  // CPU counters are monotonic; max() guards against a process that was replaced under the
  // same pid (then the numbers are meaningless anyway, but never negative).
  const cpuSeconds = Math.max(0, w.last.cpuSeconds - w.startCpuSeconds);
  return {
    wallSeconds,
    cpuSeconds,
    cpuUtilization: wallSeconds > 0 ? cpuSeconds / wallSeconds : 0,
    peakRssBytes: w.peakRssBytes,
    meanRssBytes: w.rssSum / w.samples,
    startRssBytes: w.startRssBytes,
    endRssBytes: w.last.rssBytes,
    maxOpenFds: w.maxOpenFds,
    maxOpenSockets: w.maxOpenSockets,
    samples: w.samples,
    exited,
  };
}

/**
 * Starts sampling process `pid` every `intervalMs`. The first window starts with the first
 * sample; call `mark()` to start the measured window, `stop()` to end it.
 *
 * Samples never overlap: a tick that comes while a sample is still being read is skipped,
 * so a slow /proc read (many sockets) lowers the rate instead of piling up reads.
 */
export function startProcessSampler(
  pid: number,
  options: ProcessSamplerOptions = {},
): ProcessSampler {
  const intervalMs = options.intervalMs ?? 250;
  if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${intervalMs}`);
  const countSockets = options.countSockets ?? true;
  const socketIntervalMs = options.socketIntervalMs ?? 2_000;
  let lastSocketCountAt = Number.NEGATIVE_INFINITY;
  let lastSocketCount = 0;

  let window: Window | null = null;
  let latest: ProcStats | null = null;
  let exited = false;
  let lastError: Error | null = null;
  let busy = false;
  // Set when the latest mark() could not take its opening sample; stop() reports it.
  let markError: Error | null = null;
  let result: Promise<ProcessWindowStats> | null = null;
  // Serialises samples: mark() and stop() queue behind a tick in flight.
  let queue: Promise<void> = Promise.resolve();

  /**
   * One sample into the current (or a new) window; false when none could be taken.
   * `edge`: a window boundary (mark/stop), where sockets are always counted.
   */
  const sampleOnce = async (newWindow: boolean, edge: boolean): Promise<boolean> => {
    if (exited) return false;
    try {
      const startedAt = performance.now();
      const withSockets =
        countSockets && (edge || startedAt - lastSocketCountAt >= socketIntervalMs);
      const s = await readProcStats(pid, { countSockets: withSockets });
      const at = performance.now();
      if (withSockets) {
        lastSocketCountAt = startedAt;
        lastSocketCount = s.openSockets;
      } else {
        s.openSockets = lastSocketCount;
      }
      latest = s;
      if (newWindow) window = openWindow(at, s);
      else if (window === null)
        window = openWindow(at, s, options.countCpuSinceStart ? 0 : undefined);
      else addSample(window, at, s);
      return true;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      if (error instanceof ProcessGoneError) {
        exited = true;
        clearInterval(timer);
      } else {
        options.onError?.(error);
      }
      lastError = error;
      return false;
    }
  };

  const enqueue = (task: () => Promise<void>): Promise<void> => {
    const run = queue.then(async () => {
      busy = true;
      try {
        await task();
      } finally {
        busy = false;
      }
    });
    queue = run.catch(() => {});
    return run;
  };
  const tick = async (): Promise<void> => {
    await sampleOnce(false, false);
  };

  const timer = setInterval(() => {
    if (!busy) void enqueue(tick);
  }, intervalMs);
  // The sampler must never keep the driver alive on its own.
  timer.unref();
  void enqueue(tick);

  return {
    pid,
    latest: () => latest,
    mark() {
      if (result !== null) return Promise.reject(new Error("sampler already stopped"));
      markError = null;
      const marked = enqueue(async () => {
        if (!(await sampleOnce(true, true))) {
          markError = lastError ?? new Error(`could not sample process ${pid}`);
          throw markError;
        }
      });
      // A caller that does not await mark() gets the error from stop(), not an unhandled
      // rejection.
      marked.catch(() => {});
      return marked;
    },
    stop() {
      result ??= (async () => {
        await enqueue(async () => {
          await sampleOnce(false, true);
        });
        clearInterval(timer);
        // Wait for a tick that might have slipped in before clearInterval.
        await queue;
        // A window whose opening sample failed would silently include the time before mark().
        if (markError !== null) throw markError;
        if (window === null) {
          throw lastError ?? new Error(`no sample of process ${pid} was taken`);
        }
        return summarise(window, exited);
      })();
      return result;
    },
  };
}
