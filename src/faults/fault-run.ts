/**
 * The fault part of one bench run: schedules the injection `atMs` into the measured window,
 * samples the counters the recovery cost is computed from, feeds the tracker, and assembles the
 * run's FaultResult after the drain. run-one.ts stays the same for every scenario; a fault run
 * adds this alongside.
 */

import type { Clock } from "../driver/clock.ts";
import type { DeliveryStats, FaultResult } from "../model/results.ts";
import type { FaultSpec } from "../model/scenario.ts";
import { sleep } from "../util/sleep.ts";
import { type CounterSample, FaultTracker } from "./fault-tracker.ts";
import { type FaultTargets, injectFault } from "./inject-fault.ts";
import type { ServerCutStats } from "./server-cut-stats.ts";

/** How often the counters are sampled: fine enough for recovery times of a second or two. */
export const FAULT_SAMPLE_INTERVAL_MS = 100;

export interface FaultRunOptions {
  spec: FaultSpec;
  clock: Clock;
  /** User ids the fault is aimed at; every user for server-wide faults. */
  targetedUserIds: readonly string[];
  totalClients: number;
  /** The cumulative counters, read every FAULT_SAMPLE_INTERVAL_MS. */
  readCounters(): Omit<CounterSample, "atUs">;
  /** What the injector acts on; resolved when the window opens (the fleet exists by then). */
  targets: () => FaultTargets;
}

export class FaultRun {
  readonly tracker: FaultTracker;
  readonly #options: FaultRunOptions;
  #timer: NodeJS.Timeout | undefined;
  #injection: Promise<void> | undefined;
  #action = "";
  #failure: string | null = null;

  constructor(options: FaultRunOptions) {
    this.#options = options;
    const everyone = options.targetedUserIds.length >= options.totalClients;
    this.tracker = new FaultTracker(everyone ? null : new Set(options.targetedUserIds));
  }

  /** Why the fault could not be injected (the run is then invalid), or null. */
  get failure(): string | null {
    return this.#failure;
  }

  /** Opens the window: starts sampling and schedules the fault `atMs` later. */
  startWindow(signal: AbortSignal): void {
    const { clock, spec } = this.#options;
    this.tracker.markWindowStart(clock.nowUs());
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), FAULT_SAMPLE_INTERVAL_MS);
    this.#injection = (async () => {
      await sleep(spec.atMs, signal);
      this.#sample();
      this.tracker.markFaultStart(clock.nowUs());
      try {
        const injected = await injectFault(spec, this.#options.targets());
        this.#action = injected.action;
      } catch (error) {
        if (signal.aborted) throw error;
        this.#failure = `the ${spec.kind} fault could not be injected: ${error instanceof Error ? error.message : String(error)}`;
      }
      this.tracker.markFaultEnd(clock.nowUs());
    })();
  }

  /** Resolves when the fault is over; a window must not close on a fault still in progress. */
  async waitForFault(): Promise<void> {
    await this.#injection;
  }

  markWindowEnd(): void {
    this.tracker.markWindowEnd(this.#options.clock.nowUs());
  }

  /** After the drain: stops sampling and builds the result. */
  finish(
    delivery: DeliveryStats,
    cutStats: ServerCutStats | null,
    bufferBoundBytes: number | null,
  ): FaultResult {
    this.#sample();
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    const { spec } = this.#options;
    const figures = this.tracker.summarize();
    const slow = spec.kind === "slow-consumer";
    return {
      kind: spec.kind,
      action: this.#action || (this.#failure ?? "not injected"),
      startMs: spec.atMs,
      durationMs: spec.durationMs,
      targetedClients: this.#options.targetedUserIds.length,
      disruptedClients: figures.disruptedClients,
      reconnectedClients: figures.reconnectedClients,
      timeToBackMs: figures.timeToBackMs,
      timeToRecoverMs: figures.timeToRecoverMs,
      recovered: figures.recovered && this.#failure === null,
      lost: delivery.lost,
      duplicates: delivery.duplicates,
      skippedByReset: delivery.skippedByReset,
      resets: figures.resets,
      extraRequests: figures.extraRequests,
      extraBytes: figures.extraBytes,
      errors: figures.errors,
      publishFailures: figures.publishFailures,
      serverCuts: slow ? (cutStats?.cuts ?? null) : null,
      cutReasons: slow ? (cutStats?.reasons ?? []) : [],
      maxBufferedBytes: slow ? (cutStats?.maxBufferedBytes ?? null) : null,
      bufferBoundBytes: slow ? bufferBoundBytes : null,
      othersP99BeforeUs: figures.othersP99BeforeUs,
      othersP99DuringUs: figures.othersP99DuringUs,
    };
  }

  /** Stops sampling without a result (the run failed). */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #sample(): void {
    this.tracker.sample({ atUs: this.#options.clock.nowUs(), ...this.#options.readCounters() });
  }
}
