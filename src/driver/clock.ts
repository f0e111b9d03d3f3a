/**
 * Time sources in microseconds. Everything that measures time takes a Clock, so timing logic
 * is tested with a manual clock instead of real sleeps.
 */
import { performance } from "node:perf_hooks";

/** A monotonic time source. */
export interface Clock {
  /** Microseconds since an arbitrary origin; never goes backwards. May be fractional. */
  nowUs(): number;
}

/** A clock the test moves by hand. */
export interface ManualClock extends Clock {
  /** Moves the clock forward by `deltaUs` (>= 0) microseconds. */
  advance(deltaUs: number): void;
  /** Sets the clock to `timeUs`; throws when that would go backwards (clocks are monotonic). */
  set(timeUs: number): void;
}

/**
 * The process's monotonic clock: `performance.now()` (ms, sub-ms resolution, immune to
 * wall-clock jumps) scaled to microseconds. Shared by the publisher, the clients and the
 * ledger so intended and receive times are on the same axis.
 */
export const monotonicClock: Clock = {
  nowUs: () => performance.now() * 1000,
};

/** Creates a manual clock starting at `startUs` (default 0). */
export function createManualClock(startUs = 0): ManualClock {
  let nowUs = startUs;
  return {
    nowUs: () => nowUs,
    advance(deltaUs) {
      if (!(deltaUs >= 0)) throw new RangeError(`advance(${deltaUs}): delta must be >= 0 us`);
      nowUs += deltaUs;
    },
    set(timeUs) {
      if (!(timeUs >= nowUs)) {
        throw new RangeError(`set(${timeUs}): a clock never goes backwards (now ${nowUs} us)`);
      }
      nowUs = timeUs;
    },
  };
}

/**
 * Where this thread's `performance.now()` starts on the machine's monotonic clock
 * (`process.hrtime`), ns. Each process and each worker thread has its own performance origin;
 * two of them put their times on one axis by exchanging these (see `clockOnAxisOf`).
 */
export function clockOriginNs(): bigint {
  return process.hrtime.bigint() - BigInt(Math.round(performance.now() * 1e6));
}

/** A clock on another process's or thread's axis, and how far it is shifted from this one's. */
export interface AxisClock extends Clock {
  /** What is added to this thread's `performance.now()` (as µs) to read the other axis. */
  readonly offsetUs: number;
}

/**
 * A monotonic clock on the axis of the process or thread whose `clockOriginNs()` was
 * `originNs` (a decimal string, as it crosses a message channel): the same instant reads the
 * same there and here.
 */
export function clockOnAxisOf(originNs: string): AxisClock {
  const offsetUs = Number(clockOriginNs() - BigInt(originNs)) / 1000;
  return { offsetUs, nowUs: () => performance.now() * 1000 + offsetUs };
}
