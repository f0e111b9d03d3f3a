/**
 * The publisher: fires notifications at the schedule's intended times, through the same
 * notification source the servers read, so all three strategies see identical input.
 * It never waits for a publish to finish before the next one is due (open model): when Redis
 * or the event loop falls behind, the lag lands in the measured latency instead of hiding.
 * Publishes are issued at the intended microsecond (a precise timer, not setTimeout's
 * millisecond), and how late each one still was is kept as its own distribution (issue lag),
 * so a reader can tell the instrument's share of a latency from the strategy's.
 */
import { type DriverMarker, driverMarker } from "../model/receipt.ts";
import type { Fanout } from "../model/scenario.ts";
import type { NotificationPayload } from "../notifications/types.ts";
import { createLatencyHistogram } from "../results/latency-histogram.ts";
import type { Clock } from "./clock.ts";
import { createPreciseTimer } from "./precise-timer.ts";

/** What the publisher sends: a NotificationPayload whose meta is the driver's marker. */
export type PublishPayload = NotificationPayload & { meta: DriverMarker };

export interface PublisherOptions {
  /**
   * Publishes one notification; resolves once it is accepted (the answer's content is not
   * used). `source.publish` and the HTTP publisher of external targets both fit.
   */
  publish(userId: string, payload: PublishPayload): Promise<unknown>;
  userIds: readonly string[];
  fanout: Fanout;
  /** Intended send times, microseconds on `clock`, ascending. */
  schedule: Iterator<number>;
  clock: Clock;
  /** Size of each notification's `message`, in bytes. */
  payloadBytes: number;
  /**
   * How a per-user event picks its user. "random" (with a seeded RNG) for Poisson schedules:
   * splitting a Poisson stream by independent random choice gives every user its own
   * independent Poisson stream. Round-robin would make each user's arrivals nearly periodic,
   * and periodic arrivals phase-lock with periodic polls, skewing short-polling latency.
   * "round-robin" for fixed-rate schedules, where exact spacing per user is the point.
   */
  userChoice: "random" | "round-robin";
  /** Random source in [0, 1) for "random" user choice; seeded so runs are repeatable. */
  random?: () => number;
  /** Called once a publish was accepted, with the driver seq it carried, so the ledger knows what to expect. */
  onPublished(userId: string, seq: number, intendedAtUs: number): void;
}

export interface PublisherStats {
  /** Schedule events fired (one event = one notification, or one per user for all-users). */
  events: number;
  /** Notifications published successfully. */
  published: number;
  /**
   * Publishes that were refused or failed; each consumed its seq (a gap the ledger does not
   * expect) and is a notification no client can receive.
   */
  errors: number;
  /** First publish error message, for the run's warnings. */
  firstError: string | null;
  /** Largest delay between an intended time and the moment the publish was issued, in µs. */
  maxIssueLagUs: number;
  /** Median and 99th percentile of that delay over every event, µs (0 with no event). */
  issueLagP50Us: number;
  issueLagP99Us: number;
  /** Time spent polling the clock just before intended times (waiting, not working), µs. */
  timerPollingUs: number;
}

export interface RunningPublisher {
  /** Stops firing and waits for publishes in flight. */
  stop(): Promise<PublisherStats>;
  stats(): PublisherStats;
}

/** A publisher's stats before its first event. */
export function emptyPublisherStats(): PublisherStats {
  return {
    events: 0,
    published: 0,
    errors: 0,
    firstError: null,
    maxIssueLagUs: 0,
    issueLagP50Us: 0,
    issueLagP99Us: 0,
    timerPollingUs: 0,
  };
}

export function startPublisher(options: PublisherOptions): RunningPublisher {
  const { clock, userIds } = options;
  const message = "x".repeat(options.payloadBytes);
  const random = options.random ?? Math.random;
  const stats = emptyPublisherStats();
  const issueLag = createLatencyHistogram();
  const timer = createPreciseTimer(clock);
  const inFlight = new Set<Promise<void>>();
  /** The last seq issued per user. */
  const seqByUser = new Map<string, number>();
  let nextUser = 0;
  let stopped = false;
  let next = options.schedule.next();

  const publishOne = (userId: string, intendedAtUs: number): void => {
    const seq = (seqByUser.get(userId) ?? 0) + 1;
    seqByUser.set(userId, seq);
    const payload: PublishPayload = {
      title: `n@${intendedAtUs}`,
      message,
      meta: driverMarker(userId, seq, intendedAtUs),
    };
    let pending: Promise<unknown>;
    try {
      pending = options.publish(userId, payload);
    } catch (error) {
      // A publish function that throws instead of rejecting counts as a failed publish too.
      pending = Promise.reject(error);
    }
    const done = pending
      .then(
        () => {
          stats.published += 1;
          options.onPublished(userId, seq, intendedAtUs);
        },
        (error: unknown) => {
          stats.errors += 1;
          stats.firstError ??= error instanceof Error ? error.message : String(error);
        },
      )
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };

  const fire = (intendedAtUs: number): void => {
    stats.events += 1;
    const lagUs = Math.max(0, clock.nowUs() - intendedAtUs);
    stats.maxIssueLagUs = Math.max(stats.maxIssueLagUs, lagUs);
    // Recorded in whole µs; a lag under 1 µs counts as 1 µs, the histogram's floor.
    issueLag.recordValue(Math.max(1, Math.round(lagUs)));
    if (options.fanout === "all-users") {
      for (const userId of userIds) publishOne(userId, intendedAtUs);
    } else {
      const index =
        options.userChoice === "random"
          ? Math.floor(random() * userIds.length)
          : nextUser++ % userIds.length;
      const userId = userIds[index];
      if (userId !== undefined) publishOne(userId, intendedAtUs);
    }
  };

  const tick = (): void => {
    if (stopped) return;
    const nowUs = clock.nowUs();
    while (!next.done && next.value <= nowUs) {
      fire(next.value);
      next = options.schedule.next();
    }
    if (!next.done) timer.at(next.value, tick);
  };
  tick();

  const snapshot = (): PublisherStats => ({
    ...stats,
    issueLagP50Us: issueLag.totalCount > 0 ? issueLag.getValueAtPercentile(50) : 0,
    issueLagP99Us: issueLag.totalCount > 0 ? issueLag.getValueAtPercentile(99) : 0,
    timerPollingUs: timer.pollingUs(),
  });
  return {
    stats: snapshot,
    async stop() {
      stopped = true;
      timer.cancel();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      return snapshot();
    },
  };
}
