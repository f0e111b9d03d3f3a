/**
 * The publisher: fires notifications at the schedule's intended times, through the same
 * notification source the servers read, so all three strategies see identical input.
 * It never waits for a publish to finish before the next one is due (open model): when Redis
 * or the event loop falls behind, the lag lands in the measured latency instead of hiding.
 */
import type { Fanout } from "../model/scenario.ts";
import type { NotificationPayload } from "../notifications/types.ts";
import type { Clock } from "./clock.ts";

/**
 * The driver's marker, carried in every notification's `meta`. The seq is the driver's own
 * (1, 2, 3... per user, assigned when the publish is issued), not a server's: the ledger keys
 * on it for every strategy and for external servers alike, and a publish that failed leaves a
 * gap the ledger never expects instead of shifting every later number.
 */
export type DriverMeta = { seq: number; intendedAtUs: number; userId: string };

/** What the publisher sends: a NotificationPayload whose meta is the driver's marker. */
export type PublishPayload = NotificationPayload & { meta: DriverMeta };

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
}

export interface RunningPublisher {
  /** Stops firing and waits for publishes in flight. */
  stop(): Promise<PublisherStats>;
  stats(): PublisherStats;
}

export function startPublisher(options: PublisherOptions): RunningPublisher {
  const { clock, userIds } = options;
  const message = "x".repeat(options.payloadBytes);
  const random = options.random ?? Math.random;
  const stats: PublisherStats = {
    events: 0,
    published: 0,
    errors: 0,
    firstError: null,
    maxIssueLagUs: 0,
  };
  const inFlight = new Set<Promise<void>>();
  /** The last seq issued per user. */
  const seqByUser = new Map<string, number>();
  let nextUser = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let next = options.schedule.next();

  const publishOne = (userId: string, intendedAtUs: number): void => {
    const seq = (seqByUser.get(userId) ?? 0) + 1;
    seqByUser.set(userId, seq);
    const payload: PublishPayload = {
      title: `n@${intendedAtUs}`,
      message,
      meta: { seq, intendedAtUs, userId },
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
    stats.maxIssueLagUs = Math.max(stats.maxIssueLagUs, clock.nowUs() - intendedAtUs);
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
    if (!next.done) {
      timer = setTimeout(tick, Math.max(0, (next.value - clock.nowUs()) / 1000));
    }
  };
  tick();

  return {
    stats: () => ({ ...stats }),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      return { ...stats };
    },
  };
}
