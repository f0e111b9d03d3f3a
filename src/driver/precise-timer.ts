/**
 * A timer that fires at an intended microsecond, not "some time after the millisecond".
 * Node's setTimeout has millisecond granularity and fires late by up to about a millisecond,
 * and every bit of that lateness would land in the measured publish-to-receive latency. So the
 * timer sleeps with setTimeout until `earlyWakeUs` before the target, then polls the clock on
 * setImmediate: each turn lets the event loop run its I/O (clients keep reading) and costs a
 * few microseconds, so the callback runs within one loop turn of the target. The time spent
 * polling is counted, so the driver's self-check can tell waiting-by-polling from real work.
 */
import type { Clock } from "./clock.ts";

/** How long before the target the coarse sleep ends: Node's timer lateness plus a margin. */
export const DEFAULT_EARLY_WAKE_US = 1_500;

export interface PreciseTimer {
  /** Calls `callback` as soon as `clock.nowUs() >= targetUs`. One pending target at a time. */
  at(targetUs: number, callback: () => void): void;
  /** Cancels the pending target, if any. */
  cancel(): void;
  /** Microseconds spent polling the clock between the coarse wake-up and the target, in total. */
  pollingUs(): number;
}

export function createPreciseTimer(
  clock: Clock,
  earlyWakeUs = DEFAULT_EARLY_WAKE_US,
): PreciseTimer {
  let timeout: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let pollingUs = 0;

  const cancel = (): void => {
    if (timeout) clearTimeout(timeout);
    if (immediate) clearImmediate(immediate);
    timeout = undefined;
    immediate = undefined;
  };

  const poll = (targetUs: number, callback: () => void, sinceUs: number): void => {
    const nowUs = clock.nowUs();
    if (nowUs >= targetUs) {
      pollingUs += nowUs - sinceUs;
      immediate = undefined;
      callback();
      return;
    }
    immediate = setImmediate(() => poll(targetUs, callback, sinceUs));
  };

  return {
    at(targetUs, callback) {
      cancel();
      const sleepMs = (targetUs - clock.nowUs() - earlyWakeUs) / 1000;
      if (sleepMs >= 1) {
        timeout = setTimeout(() => {
          timeout = undefined;
          poll(targetUs, callback, clock.nowUs());
        }, Math.floor(sleepMs));
        return;
      }
      poll(targetUs, callback, clock.nowUs());
    },
    cancel,
    pollingUs: () => pollingUs,
  };
}
