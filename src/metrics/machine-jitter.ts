/**
 * How much of the time this machine takes away from a process that never yields: a busy loop
 * reads the clock as fast as it can, and every gap between two reads longer than GAP_US is time
 * the CPU spent elsewhere (an interrupt, the hypervisor running another vCPU, the scheduler).
 * A loop that never yields cannot be more precise than these gaps, so the report's Method line
 * prints them next to the instrument floor. They are not a floor for a timer that sleeps
 * between events: the scheduler favours a thread waking from sleep over one that has spun
 * through its slice (measured: probe issue lag p99 54 µs while this loop lost 3.5 % of its time;
 * docs/methodology.md, "What the machine takes from a busy process").
 */

/** A gap in the busy loop longer than this counts as time taken away, µs. */
export const GAP_US = 50;

/** Upper bound on clock reads per probe ms: one read every 5 ns, several times faster than real. */
const MAX_READS_PER_MS = 200_000;

/** Default probe length, ms: short enough to run once per bench, long enough for a p99. */
export const DEFAULT_JITTER_PROBE_MS = 300;

export interface MachineJitter {
  /** How long the busy loop ran, ms. */
  probeMs: number;
  /** GAP_US, recorded with the figures it defines. */
  gapThresholdUs: number;
  /** Gaps longer than GAP_US per second of probing. */
  gapsPerSec: number;
  /** Share of the probe lost in those gaps, 0..1. */
  lostShare: number;
  /** The longest gap, µs. */
  maxGapUs: number;
}

/**
 * Spins for `probeMs` on this thread (it blocks the event loop by design: call it before any
 * run starts) and reports the gaps. Pure measurement, no I/O.
 */
export function measureMachineJitter(probeMs = DEFAULT_JITTER_PROBE_MS): MachineJitter {
  if (!(probeMs > 0 && probeMs <= 5_000)) {
    throw new RangeError(`probeMs must be in (0, 5000] ms, got ${probeMs}`);
  }
  const startMs = performance.now();
  const endMs = startMs + probeMs;
  let lastMs = startMs;
  let gaps = 0;
  let lostMs = 0;
  let maxGapMs = 0;
  // A clock that does not move (a test's fake timers) must not hang the bench: the loop also
  // ends after far more reads than any real probe makes (one read takes tens of ns).
  const maxReads = probeMs * MAX_READS_PER_MS;
  for (let reads = 0; reads < maxReads; reads++) {
    const nowMs = performance.now();
    const gapMs = nowMs - lastMs;
    if (gapMs * 1000 > GAP_US) {
      gaps += 1;
      lostMs += gapMs;
      if (gapMs > maxGapMs) maxGapMs = gapMs;
    }
    lastMs = nowMs;
    if (nowMs >= endMs) break;
  }
  const ranMs = Math.max(lastMs - startMs, Number.EPSILON);
  return {
    probeMs: Math.round(ranMs),
    gapThresholdUs: GAP_US,
    gapsPerSec: Math.round((gaps * 1000) / ranMs),
    lostShare: lostMs / ranMs,
    maxGapUs: Math.round(maxGapMs * 1000),
  };
}
