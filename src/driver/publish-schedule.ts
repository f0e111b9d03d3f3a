/**
 * Open-model publish schedule: intended send times computed up front from the rate alone.
 * The publisher fires at these times whether or not earlier publishes have completed, and
 * latency runs from the intended time, so a publisher (or server) that falls behind shows up
 * as latency instead of silently lowering the load (no coordinated omission).
 */
import type { PublishModel } from "../model/scenario.ts";

/** Seed used when none is given, so runs are reproducible by default. */
export const DEFAULT_SCHEDULE_SEED = 0x5eed;

export interface PublishScheduleOptions {
  /** Events per second; 0 yields nothing. */
  ratePerSec: number;
  /** "fixed": evenly spaced from `startUs`; "poisson": exponential gaps (a Poisson process). */
  model: PublishModel;
  /** First possible send time, microseconds on the driver clock. */
  startUs: number;
  /** No send time at or after this, microseconds. */
  endUs: number;
  /** Poisson RNG seed. Default DEFAULT_SCHEDULE_SEED. */
  seed?: number;
}

/**
 * Yields ascending intended send times in [startUs, endUs), whole microseconds.
 * "fixed" yields startUs, startUs + 1/rate, ...; "poisson" starts one random gap after startUs.
 */
export function* createPublishSchedule(options: PublishScheduleOptions): Generator<number> {
  const { ratePerSec, model, startUs, endUs } = options;
  if (!(ratePerSec >= 0) || !Number.isFinite(ratePerSec)) {
    throw new RangeError(`ratePerSec ${ratePerSec} must be a finite number >= 0`);
  }
  if (ratePerSec === 0) return;
  const meanGapUs = 1_000_000 / ratePerSec;
  if (model === "fixed") {
    // Multiply instead of accumulating so float error never drifts the spacing.
    for (let k = 0; ; k++) {
      const atUs = Math.round(startUs + k * meanGapUs);
      if (atUs >= endUs) return;
      yield atUs;
    }
  }
  const random = createRng(options.seed ?? DEFAULT_SCHEDULE_SEED);
  let atUs = startUs;
  for (;;) {
    // Inverse-CDF exponential gap; 1 - random() is in (0, 1], so the log is finite.
    atUs += -Math.log(1 - random()) * meanGapUs;
    const rounded = Math.round(atUs);
    if (rounded >= endUs) return;
    yield rounded;
  }
}

/**
 * A small seedable PRNG (mulberry32): uniform in [0, 1). Not cryptographic; it only has to be
 * fast and reproducible so two strategies can be driven with the identical schedule.
 */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
