/**
 * The delivery ledger: which notification (user, seq) was expected and which arrived, once,
 * late, twice or out of order. Every strategy's client reports receipts here the same way,
 * so delivered / lost / duplicates / reordered mean the same thing for all three.
 *
 * The publish acknowledgement and the delivery race: a client can receive a notification
 * before the publisher has recorded it. So `recordReceived` takes the intended send time
 * itself (it travels in the notification's meta) and `recordPublished` only establishes the
 * expected set; the two meet in whichever order they come.
 *
 * Resets: a server that trimmed history announces the gap (`recordReset`). The gap ends at the
 * next notification it sends, so the user's next new receipt (seq s) settles it: every seq
 * below s that is expected and not yet received is `skippedByReset`, not lost; so is one whose
 * publish acknowledgement only comes later (the same race as above). Should a skipped seq
 * still arrive, it moves to delivered: nothing is ever counted twice, and
 * published = delivered + skippedByReset + lost holds at every moment.
 *
 * The ledger keeps no times beyond the receipt's latency. What it decided per (user, seq) is
 * readable through `LedgerView`, so a consumer that adds its own timing (the fault tracker)
 * builds on these verdicts instead of keeping a second copy of the bookkeeping.
 */
import type { DeliveryStats } from "../model/results.ts";
import { type Clock, monotonicClock } from "./clock.ts";
import type { LatencyRecorder } from "./latency-recorder.ts";

export interface LedgerOptions {
  /** Default time for `startWindow()`. Default: the monotonic clock. */
  clock?: Clock;
}

/** What one receipt was. */
export interface Receipt {
  /** "new": first receipt of this (user, seq); "duplicate": seen before. */
  status: "new" | "duplicate";
  /** receivedAtUs - intendedAtUs, never negative. */
  latencyUs: number;
  /** A new receipt after a higher seq of the same user had arrived (duplicates never count). */
  reordered: boolean;
  /** Received while the measured window was open (latency recorded when also new). */
  inWindow: boolean;
}

/**
 * What the ledger decided, per user and seq, for readers that add their own timing. Resets are
 * numbered per user in the order recorded: 1 is the user's first `recordReset`.
 */
export interface LedgerView {
  /** Every user the ledger has heard of (a publish, a receipt or a reset), in that order. */
  users(): Iterable<string>;
  /** The seqs published to `userId`, in the order their publishes were recorded. */
  publishedSeqs(userId: string): Iterable<number>;
  /**
   * The user's reset whose announced gap (user, seq) is in: the latest one that covered it.
   * null when it is not skipped: received, still pending, or never published.
   */
  skippedByReset(userId: string, seq: number): number | null;
}

interface UserLedger {
  expected: Set<number>;
  /** seq -> whether its first receipt fell in the measured window. */
  received: Map<number, boolean>;
  maxSeqReceived: number;
  /** Expected, not received, and inside a gap a reset announced: seq -> that reset's number. */
  skipped: Map<number, number>;
  /** Seqs below this one, not received, are inside an announced gap (0: no gap settled yet). */
  skippedBelow: number;
  /** The reset whose settling receipt set `skippedBelow` last. */
  skippedBelowReset: number;
  /** Resets recorded for this user (the number of the latest). */
  resets: number;
  /** A reset arrived and the next new receipt has not settled its gap yet. */
  resetPending: boolean;
}

/**
 * One ledger per run, spanning warm-up, window and drain so every published seq is accounted
 * for. `recorder` receives the latency of every first receipt inside the measured window.
 */
export class Ledger implements LedgerView {
  readonly #recorder: LatencyRecorder;
  readonly #clock: Clock;
  readonly #users = new Map<string, UserLedger>();
  #window: "before" | "open" | "closed" = "before";
  #windowStartUs = 0;
  #published = 0;
  #delivered = 0;
  #deliveredInWindow = 0;
  #duplicates = 0;
  #reordered = 0;
  #skipped = 0;
  #resets = 0;

  constructor(recorder: LatencyRecorder, options: LedgerOptions = {}) {
    this.#recorder = recorder;
    this.#clock = options.clock ?? monotonicClock;
  }

  /**
   * Marks (user, seq) as expected. Recording the same pair twice counts once. The intended
   * time is not needed here (receipts carry their own) and is accepted for the call site's
   * symmetry with the publisher callback.
   */
  recordPublished(userId: string, seq: number, _intendedAtUs?: number): void {
    const user = this.#user(userId);
    if (user.expected.has(seq)) return;
    user.expected.add(seq);
    this.#published += 1;
    const inWindow = user.received.get(seq);
    // The delivery won the race with the publish acknowledgement.
    if (inWindow !== undefined) {
      this.#delivered += 1;
      if (inWindow) this.#deliveredInWindow += 1;
    } else if (seq < user.skippedBelow) {
      // The reset's settling receipt won the race: this one fell into the announced gap.
      this.#skip(user, seq, user.skippedBelowReset);
    }
  }

  /**
   * The server announced that the notifications between the client's position and the next
   * one it sends are gone (history trimmed). Settled by the user's next new receipt.
   */
  recordReset(userId: string): void {
    const user = this.#user(userId);
    user.resetPending = true;
    user.resets += 1;
    this.#resets += 1;
  }

  /** Records one receipt; `intendedAtUs` comes from the notification's meta. */
  recordReceived(userId: string, seq: number, intendedAtUs: number, receivedAtUs: number): Receipt {
    const user = this.#user(userId);
    const latencyUs = Math.max(0, receivedAtUs - intendedAtUs);
    const inWindow = this.#window === "open" && receivedAtUs >= this.#windowStartUs;
    if (user.received.has(seq)) {
      this.#duplicates += 1;
      return { status: "duplicate", latencyUs, reordered: false, inWindow };
    }
    const reordered = seq < user.maxSeqReceived;
    if (reordered) this.#reordered += 1;
    user.maxSeqReceived = Math.max(user.maxSeqReceived, seq);
    user.received.set(seq, inWindow);
    if (user.resetPending) this.#settleReset(user, seq);
    // Announced as gone, and here it is after all: delivered, no longer skipped.
    if (user.skipped.delete(seq)) this.#skipped -= 1;
    if (user.expected.has(seq)) {
      this.#delivered += 1;
      if (inWindow) this.#deliveredInWindow += 1;
    }
    if (inWindow) this.#recorder.record(latencyUs);
    return { status: "new", latencyUs, reordered, inWindow };
  }

  /** Opens the measured window: receipts stamped from `atUs` on count as in-window. Starts the recorder. */
  startWindow(atUs: number = this.#clock.nowUs()): void {
    this.#window = "open";
    this.#windowStartUs = atUs;
    this.#recorder.start();
  }

  /**
   * Closes the measured window and stops the recorder. Receipts are processed as they arrive,
   * so anything recorded after this call is outside the window.
   */
  endWindow(): void {
    this.#window = "closed";
    this.#recorder.stop();
  }

  /** Every expected notification has arrived or was announced gone (the drain can stop). */
  allDelivered(): boolean {
    return this.#delivered + this.#skipped === this.#published;
  }

  /** Expected notifications neither received nor announced gone. */
  pending(): number {
    return this.#published - this.#delivered - this.#skipped;
  }

  /** Resets recorded so far (every `recordReset` call). */
  resets(): number {
    return this.#resets;
  }

  /** Receipts of a (user, seq) never published (e.g. left over from an earlier run). */
  unexpected(): number {
    let count = 0;
    for (const user of this.#users.values()) {
      for (const seq of user.received.keys()) if (!user.expected.has(seq)) count += 1;
    }
    return count;
  }

  users(): Iterable<string> {
    return this.#users.keys();
  }

  publishedSeqs(userId: string): Iterable<number> {
    return this.#users.get(userId)?.expected ?? [];
  }

  skippedByReset(userId: string, seq: number): number | null {
    return this.#users.get(userId)?.skipped.get(seq) ?? null;
  }

  summary(): DeliveryStats {
    return {
      published: this.#published,
      // Every client connects before publishing starts, so each published one is expected.
      expected: this.#published,
      delivered: this.#delivered,
      lost: this.#published - this.#delivered - this.#skipped,
      duplicates: this.#duplicates,
      reordered: this.#reordered,
      skippedByReset: this.#skipped,
      deliveredInWindow: this.#deliveredInWindow,
    };
  }

  /**
   * The gap ends below `seq`: everything expected and missing under it is skipped, by the
   * latest reset (one skipped by an earlier reset is covered again by this one).
   */
  #settleReset(user: UserLedger, seq: number): void {
    user.resetPending = false;
    if (seq > user.skippedBelow) {
      user.skippedBelow = seq;
      user.skippedBelowReset = user.resets;
    }
    for (const expectedSeq of user.expected) {
      if (expectedSeq < user.skippedBelow && !user.received.has(expectedSeq)) {
        this.#skip(user, expectedSeq, user.resets);
      }
    }
  }

  /** Marks `seq` skipped by reset number `byReset`; counted once, however often covered. */
  #skip(user: UserLedger, seq: number, byReset: number): void {
    if (!user.skipped.has(seq)) this.#skipped += 1;
    user.skipped.set(seq, byReset);
  }

  #user(userId: string): UserLedger {
    let user = this.#users.get(userId);
    if (!user) {
      user = {
        expected: new Set(),
        received: new Map(),
        maxSeqReceived: 0,
        skipped: new Map(),
        skippedBelow: 0,
        skippedBelowReset: 0,
        resets: 0,
        resetPending: false,
      };
      this.#users.set(userId, user);
    }
    return user;
  }
}
