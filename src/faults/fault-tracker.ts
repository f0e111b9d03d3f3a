/**
 * Measures recovery from one injected fault, from what the clients and the publisher report:
 * who was disrupted and when they were back, which notifications were outstanding, when the
 * last of them arrived (or was announced gone by a reset), and what the recovery cost in
 * requests and bytes over the pre-fault rate.
 *
 * Definitions (docs/methodology.md, "Faults"):
 * - disrupted: a client that saw an error or lost its connection from the fault's start on;
 * - back: its first successful poll answer / open stream after its last disruption; the run is
 *   back when every disrupted client is, and the fault itself is over;
 * - backlog: every notification intended before the run was back and not received before the
 *   fault started (so what was in flight when the fault hit counts too);
 * - recovered: back, and the whole backlog received or announced gone by a reset.
 */
import { LatencyRecorder } from "../driver/latency-recorder.ts";

/** Cumulative counters at one moment, sampled every few hundred ms from the window's start. */
export interface CounterSample {
  atUs: number;
  requests: number;
  /** Both directions, headers included. */
  bytes: number;
  errors: number;
  publishFailures: number;
  resets: number;
}

interface Outstanding {
  intendedAtUs: number;
  published: boolean;
  receivedAtUs?: number;
  skippedAtUs?: number;
}

interface UserState {
  /** Last disruption at or after the fault's start. */
  disruptedAtUs?: number;
  /** First success after that disruption. */
  backAtUs?: number;
  /** A reset arrived; the next new receipt tells which seqs it skipped. */
  resetAtUs?: number;
  /** Seqs below this, never received, were skipped by the reset at `atUs` (acks may come late). */
  skipFloor?: { seq: number; atUs: number };
  notifications: Map<number, Outstanding>;
}

export interface RecoveryFigures {
  disruptedClients: number;
  reconnectedClients: number;
  timeToBackMs: number | null;
  timeToRecoverMs: number | null;
  recovered: boolean;
  resets: number;
  extraRequests: number;
  extraBytes: number;
  errors: number;
  publishFailures: number;
  othersP99BeforeUs: number | null;
  othersP99DuringUs: number | null;
  /** Backlog notifications neither received nor announced gone (why it did not recover). */
  outstanding: number;
}

export class FaultTracker {
  readonly #users = new Map<string, UserState>();
  readonly #samples: CounterSample[] = [];
  readonly #targeted: ReadonlySet<string> | null;
  readonly #othersBefore = new LatencyRecorder({ measuring: true });
  readonly #othersDuring = new LatencyRecorder({ measuring: true });
  #windowStartUs: number | null = null;
  #faultStartUs: number | null = null;
  #faultEndUs: number | null = null;
  #windowEndUs: number | null = null;

  /**
   * @param targetedUserIds the users the fault is aimed at, or null when it hits everyone
   *   (then there are no "others" whose latency could stay where it was).
   */
  constructor(targetedUserIds: ReadonlySet<string> | null) {
    this.#targeted = targetedUserIds;
  }

  get faultStartUs(): number | null {
    return this.#faultStartUs;
  }

  markWindowStart(atUs: number): void {
    this.#windowStartUs = atUs;
  }

  markFaultStart(atUs: number): void {
    this.#faultStartUs = atUs;
  }

  markFaultEnd(atUs: number): void {
    this.#faultEndUs = atUs;
  }

  markWindowEnd(atUs: number): void {
    this.#windowEndUs = atUs;
  }

  sample(sample: CounterSample): void {
    this.#samples.push(sample);
  }

  disrupted(userId: string, atUs: number): void {
    if (this.#faultStartUs === null || atUs < this.#faultStartUs) return;
    const user = this.#user(userId);
    user.disruptedAtUs = atUs;
    user.backAtUs = undefined;
  }

  connected(userId: string, atUs: number): void {
    const user = this.#users.get(userId);
    if (user?.disruptedAtUs !== undefined && user.backAtUs === undefined) user.backAtUs = atUs;
  }

  published(userId: string, seq: number, intendedAtUs: number): void {
    const entry = this.#entry(userId, seq, intendedAtUs);
    entry.published = true;
    const floor = this.#user(userId).skipFloor;
    if (floor && seq < floor.seq && entry.receivedAtUs === undefined)
      entry.skippedAtUs = floor.atUs;
  }

  received(userId: string, seq: number, intendedAtUs: number, receivedAtUs: number): void {
    const user = this.#user(userId);
    const entry = this.#entry(userId, seq, intendedAtUs);
    if (entry.receivedAtUs !== undefined) return; // a duplicate: the ledger counts those
    entry.receivedAtUs = receivedAtUs;
    entry.skippedAtUs = undefined;
    if (user.resetAtUs !== undefined) {
      // Everything older that never came was announced gone by the reset.
      for (const [otherSeq, other] of user.notifications) {
        if (otherSeq < seq && other.receivedAtUs === undefined) other.skippedAtUs = user.resetAtUs;
      }
      user.skipFloor = { seq, atUs: user.resetAtUs };
      user.resetAtUs = undefined;
    }
    if (this.#targeted !== null && !this.#targeted.has(userId)) {
      const latencyUs = Math.max(0, receivedAtUs - intendedAtUs);
      const faultStartUs = this.#faultStartUs;
      if (faultStartUs === null || receivedAtUs < faultStartUs) {
        if (this.#windowStartUs !== null && receivedAtUs >= this.#windowStartUs) {
          this.#othersBefore.record(latencyUs);
        }
      } else if (this.#windowEndUs === null || receivedAtUs <= this.#windowEndUs) {
        this.#othersDuring.record(latencyUs);
      }
    }
  }

  reset(userId: string, atUs: number): void {
    this.#user(userId).resetAtUs = atUs;
  }

  /** The figures of the fault's result; call after the drain. */
  summarize(): RecoveryFigures {
    const faultStartUs = this.#faultStartUs;
    const windowStartUs = this.#windowStartUs;
    if (faultStartUs === null || windowStartUs === null) {
      throw new Error("FaultTracker.summarize() before the window and the fault started");
    }
    const faultEndUs = this.#faultEndUs ?? faultStartUs;

    let disruptedClients = 0;
    let reconnectedClients = 0;
    let lastBackUs = faultEndUs;
    for (const user of this.#users.values()) {
      if (user.disruptedAtUs === undefined) continue;
      disruptedClients += 1;
      if (user.backAtUs === undefined) continue;
      reconnectedClients += 1;
      lastBackUs = Math.max(lastBackUs, user.backAtUs);
    }
    const back = reconnectedClients === disruptedClients;
    const backAtUs = back ? lastBackUs : null;

    let outstanding = 0;
    let recoveredAtUs = backAtUs;
    if (backAtUs !== null) {
      for (const user of this.#users.values()) {
        for (const entry of user.notifications.values()) {
          if (!entry.published || entry.intendedAtUs > backAtUs) continue;
          if (entry.receivedAtUs !== undefined && entry.receivedAtUs < faultStartUs) continue;
          const doneAtUs = entry.receivedAtUs ?? entry.skippedAtUs;
          if (doneAtUs === undefined) outstanding += 1;
          else recoveredAtUs = Math.max(recoveredAtUs ?? 0, doneAtUs);
        }
      }
    }
    const recovered = backAtUs !== null && outstanding === 0;

    // Cost: counters over [fault start, recovered or window end] minus the pre-fault rate.
    const costEndUs =
      recovered && recoveredAtUs !== null
        ? recoveredAtUs
        : (this.#windowEndUs ?? this.#samples.at(-1)?.atUs ?? faultStartUs);
    const extra = (pick: (s: CounterSample) => number): number => {
      const atWindow = this.#valueAt(windowStartUs, pick);
      const atFault = this.#valueAt(faultStartUs, pick);
      const atEnd = this.#valueAt(costEndUs, pick);
      const baselineUs = faultStartUs - windowStartUs;
      const ratePerUs = baselineUs > 0 ? (atFault - atWindow) / baselineUs : 0;
      return Math.round(atEnd - atFault - ratePerUs * (costEndUs - faultStartUs));
    };
    const since = (pick: (s: CounterSample) => number): number =>
      Math.round(
        this.#valueAt(this.#samples.at(-1)?.atUs ?? faultStartUs, pick) -
          this.#valueAt(faultStartUs, pick),
      );

    const toMs = (us: number | null): number | null =>
      us === null ? null : Math.round((us - faultStartUs) / 1000);
    return {
      disruptedClients,
      reconnectedClients,
      timeToBackMs: toMs(backAtUs),
      timeToRecoverMs: recovered ? toMs(recoveredAtUs) : null,
      recovered,
      resets: since((s) => s.resets),
      extraRequests: extra((s) => s.requests),
      extraBytes: extra((s) => s.bytes),
      errors: since((s) => s.errors),
      publishFailures: since((s) => s.publishFailures),
      othersP99BeforeUs: this.#targeted === null ? null : this.#othersBefore.summary().p99Us,
      othersP99DuringUs: this.#targeted === null ? null : this.#othersDuring.summary().p99Us,
      outstanding,
    };
  }

  /** A counter's value at `atUs`, linearly interpolated between samples (clamped at the ends). */
  #valueAt(atUs: number, pick: (s: CounterSample) => number): number {
    const samples = this.#samples;
    const first = samples[0];
    if (first === undefined) return 0;
    if (atUs <= first.atUs) return pick(first);
    for (let i = 1; i < samples.length; i++) {
      const b = samples[i] as CounterSample;
      if (atUs <= b.atUs) {
        const a = samples[i - 1] as CounterSample;
        const span = b.atUs - a.atUs;
        const t = span > 0 ? (atUs - a.atUs) / span : 1;
        return pick(a) + (pick(b) - pick(a)) * t;
      }
    }
    return pick(samples.at(-1) as CounterSample);
  }

  #user(userId: string): UserState {
    let user = this.#users.get(userId);
    if (!user) {
      user = { notifications: new Map() };
      this.#users.set(userId, user);
    }
    return user;
  }

  #entry(userId: string, seq: number, intendedAtUs: number): Outstanding {
    const user = this.#user(userId);
    let entry = user.notifications.get(seq);
    if (!entry) {
      entry = { intendedAtUs, published: false };
      user.notifications.set(seq, entry);
    }
    return entry;
  }
}
