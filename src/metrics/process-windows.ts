/**
 * Folding sampler windows (process-sampler.ts): the processes one slot ran one after another
 * (a killed and restarted instance), and processes that ran side by side (instances of a
 * fleet, or the pids of an external server given with --target-pid).
 */
import type { ProcessWindowStats } from "./process-sampler.ts";

/** One instance's window from the windows of its processes, in the order they ran. */
export function combineWindows(windows: readonly ProcessWindowStats[]): ProcessWindowStats {
  const first = windows[0];
  const last = windows[windows.length - 1];
  if (windows.length === 1 && first !== undefined) return first;
  if (first === undefined || last === undefined) {
    // Down for the whole window (killed before it opened, never restarted).
    return {
      wallSeconds: 0,
      cpuSeconds: 0,
      cpuUtilization: 0,
      peakRssBytes: 0,
      meanRssBytes: 0,
      startRssBytes: 0,
      endRssBytes: 0,
      maxOpenFds: 0,
      maxOpenSockets: 0,
      samples: 0,
      exited: true,
    };
  }
  const sum = (pick: (w: ProcessWindowStats) => number): number =>
    windows.reduce((total, w) => total + pick(w), 0);
  const max = (pick: (w: ProcessWindowStats) => number): number => Math.max(...windows.map(pick));
  const wallSeconds = sum((w) => w.wallSeconds);
  const cpuSeconds = sum((w) => w.cpuSeconds);
  const samples = sum((w) => w.samples);
  return {
    wallSeconds,
    cpuSeconds,
    cpuUtilization: wallSeconds > 0 ? cpuSeconds / wallSeconds : 0,
    peakRssBytes: max((w) => w.peakRssBytes),
    meanRssBytes: samples > 0 ? sum((w) => w.meanRssBytes * w.samples) / samples : 0,
    startRssBytes: first.startRssBytes,
    endRssBytes: last.endRssBytes,
    maxOpenFds: max((w) => w.maxOpenFds),
    maxOpenSockets: max((w) => w.maxOpenSockets),
    samples,
    exited: windows.some((w) => w.exited),
  };
}

/** Several processes side by side (instances, or the pids of an external server): their sums. */
export function sumWindows(windows: readonly ProcessWindowStats[]): ProcessWindowStats {
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
