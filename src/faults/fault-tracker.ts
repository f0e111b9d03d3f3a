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
 *
 * What was published, what is a duplicate and what a reset announced gone are the delivery
 * ledger's verdicts (src/driver/ledger.ts): the tracker feeds a ledger of its own the same
 * calls the run's ledger gets and asks it, so both judge alike. The tracker adds only the
 * times the ledger does not keep (intended, first receipt, each reset) and the connections.
 */
import { LatencyRecorder } from "../driver/latency-recorder.ts";
import { Ledger } from "../driver/ledger.ts";

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

/** A user's connection since the fault started. */
interface Connection {
  /** Last disruption at or after the fault's start. */
  disruptedAtUs: number;
  /** First success after that disruption. */
  backAtUs?: number;
}

/** The times of one user's notifications and resets; which is which, the ledger says. */
interface UserTimes {
  /** seq -> intended time, from whichever came first: its publish or its receipt. */
  intendedAtUs: Map<number, number>;
  /** seq -> its first receipt. */
  receivedAtUs: Map<number, number>;
  /** When each of the user's resets arrived: reset number n at index n - 1. */
  resetsAtUs: number[];
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
  /** Never opens a window, so its recorder records nothing: it is here for its verdicts. */
  readonly #ledger = new Ledger(new LatencyRecorder());
  readonly #connections = new Map<string, Connection>();
  readonly #times = new Map<string, UserTimes>();
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
    this.#connections.set(userId, { disruptedAtUs: atUs });
  }

  connected(userId: string, atUs: number): void {
    const connection = this.#connections.get(userId);
    if (connection !== undefined && connection.backAtUs === undefined) connection.backAtUs = atUs;
  }

  published(userId: string, seq: number, intendedAtUs: number): void {
    this.#ledger.recordPublished(userId, seq, intendedAtUs);
    const times = this.#timesOf(userId);
    if (!times.intendedAtUs.has(seq)) times.intendedAtUs.set(seq, intendedAtUs);
  }

  received(userId: string, seq: number, intendedAtUs: number, receivedAtUs: number): void {
    const receipt = this.#ledger.recordReceived(userId, seq, intendedAtUs, receivedAtUs);
    if (receipt.status === "duplicate") return; // the run's ledger counts those
    const times = this.#timesOf(userId);
    times.receivedAtUs.set(seq, receivedAtUs);
    if (!times.intendedAtUs.has(seq)) times.intendedAtUs.set(seq, intendedAtUs);
    if (this.#targeted !== null && !this.#targeted.has(userId)) {
      const { latencyUs } = receipt;
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
    this.#ledger.recordReset(userId);
    this.#timesOf(userId).resetsAtUs.push(atUs);
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
    for (const connection of this.#connections.values()) {
      disruptedClients += 1;
      if (connection.backAtUs === undefined) continue;
      reconnectedClients += 1;
      lastBackUs = Math.max(lastBackUs, connection.backAtUs);
    }
    const back = reconnectedClients === disruptedClients;
    const backAtUs = back ? lastBackUs : null;

    let outstanding = 0;
    let recoveredAtUs = backAtUs;
    if (backAtUs !== null) {
      const ledger = this.#ledger;
      for (const userId of ledger.users()) {
        const times = this.#timesOf(userId);
        for (const seq of ledger.publishedSeqs(userId)) {
          if ((times.intendedAtUs.get(seq) as number) > backAtUs) continue;
          const receivedAtUs = times.receivedAtUs.get(seq);
          if (receivedAtUs !== undefined && receivedAtUs < faultStartUs) continue;
          // Announced gone: done when the reset that announced it arrived.
          const byReset = ledger.skippedByReset(userId, seq);
          const doneAtUs =
            receivedAtUs ?? (byReset === null ? undefined : times.resetsAtUs[byReset - 1]);
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

  #timesOf(userId: string): UserTimes {
    let times = this.#times.get(userId);
    if (!times) {
      times = { intendedAtUs: new Map(), receivedAtUs: new Map(), resetsAtUs: [] };
      this.#times.set(userId, times);
    }
    return times;
  }
}
