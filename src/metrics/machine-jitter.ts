/**
 * How much of the time this machine takes away from a process that never yields: a busy loop
 * reads the clock as fast as it can, and every gap between two reads longer than GAP_US is time
 * the CPU spent elsewhere (an interrupt, the hypervisor running another vCPU, the scheduler).
 * No timer and no event loop can be more precise than these gaps, so the report's Method line
 * prints them next to the instrument floor: on a machine that loses 50 µs hundreds of times a
 * second, a microsecond target for the publisher is out of reach whatever the code does.
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
  /**
   * The p99 issue lag of a perfect publisher on this machine, µs: one that spins on the clock
   * and fires the instant its time comes, so it is late only when its time falls inside a gap
   * (then by what is left of the gap). `GAP_US` or less means "at most GAP_US": shorter gaps
   * are not recorded. A real publisher that sleeps between publishes can only do worse.
   */
  issueLagFloorP99Us: number;
}

/** Gaps kept for the floor: more than a real probe sees (thousands per second at most). */
const MAX_KEPT_GAPS = 100_000;

/**
 * The lag quantile `q` of a publisher whose intended instants are uniform over `totalUs` and
 * which is held up only by `gapsUs`: P(lag > x) = sum(max(0, g - x)) / total, solved for
 * P = 1 - q. Returns `floorUs` when even that lag is exceeded less often (the gaps below it were
 * not recorded). Pure.
 */
export function lagQuantileUs(
  gapsUs: readonly number[],
  totalUs: number,
  q: number,
  floorUs = GAP_US,
): number {
  if (!(q > 0 && q < 1)) throw new RangeError(`q must be in (0, 1), got ${q}`);
  if (!(totalUs > 0)) return floorUs;
  const allowedUs = (1 - q) * totalUs;
  const sorted = [...gapsUs].sort((a, b) => b - a);
  // With the k longest gaps above x: sum(max(0, g - x)) = prefix_k - k x, piecewise linear
  // and decreasing in x; find the piece where it equals allowedUs.
  let prefixUs = 0;
  for (let k = 1; k <= sorted.length; k++) {
    prefixUs += sorted[k - 1] as number;
    const xUs = (prefixUs - allowedUs) / k;
    const nextUs = sorted[k] ?? 0;
    if (xUs >= nextUs) return Math.max(floorUs, Math.round(xUs));
  }
  return floorUs;
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
  const gapsUs: number[] = [];
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
      if (gapsUs.length < MAX_KEPT_GAPS) gapsUs.push(gapMs * 1000);
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
    issueLagFloorP99Us: lagQuantileUs(gapsUs, ranMs * 1000, 0.99),
  };
}
