/**
 * The fault part of one bench run: schedules the injection `atMs` into the measured window,
 * samples the counters the recovery cost is computed from, feeds the tracker, and assembles the
 * run's FaultResult after the drain. The run (src/run) stays the same for every scenario; a
 * fault run adds this alongside, and what differs per kind comes from its FaultKindModule.
 */

import type { Clock } from "../driver/clock.ts";
import { METRICS_SCRAPE_TIMEOUT_MS } from "../fleet/server-fleet.ts";
import type { DeliveryStats, FaultResult } from "../model/results.ts";
import type { FaultSpec } from "../model/scenario.ts";
import { sleep } from "../util/sleep.ts";
import { type CounterSample, FaultTracker } from "./fault-tracker.ts";
import type { FaultKindModule, FaultTargets } from "./kinds/fault-kind-module.ts";
import { FAULT_KIND_MODULES } from "./kinds/index.ts";
import {
  bufferBoundFromArgs,
  readServerCutStats,
  type ServerCutStats,
} from "./server-cut-stats.ts";

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

/** The fault's part of a finished run. */
export interface FaultOutcome {
  result: FaultResult;
  /** Why the fault could not be injected (the run is then invalid), or null. */
  failure: string | null;
  /** Publishes the fault itself refused (Redis away): not bad input. */
  expectedPublishFailures: number;
  /** What could not be read after the drain, for the run's warnings. */
  notes: string[];
}

export class FaultRun {
  readonly tracker: FaultTracker;
  readonly #options: FaultRunOptions;
  readonly #kind: FaultKindModule;
  #timer: NodeJS.Timeout | undefined;
  #injection: Promise<void> | undefined;
  #action = "";
  #failure: string | null = null;

  constructor(options: FaultRunOptions) {
    this.#options = options;
    this.#kind = FAULT_KIND_MODULES[options.spec.kind];
    const everyone = options.targetedUserIds.length >= options.totalClients;
    this.tracker = new FaultTracker(everyone ? null : new Set(options.targetedUserIds));
  }

  /** Why the fault could not be injected (the run is then invalid), or null. */
  get failure(): string | null {
    return this.#failure;
  }

  /** What the run must know of the fault's kind (e.g. whether Redis restarts). */
  get kind(): FaultKindModule {
    return this.#kind;
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
        const injected = await this.#kind.inject(spec, this.#options.targets());
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

  /** After the drain: reads what the kind needs read, stops sampling and builds the result. */
  async finish(delivery: DeliveryStats): Promise<FaultOutcome> {
    const notes: string[] = [];
    const fleet = this.#options.targets().fleet;
    const cutStats =
      this.#kind.readsServerCuts && fleet
        ? await readServerCutStats(
            fleet.processes.map((p) => p.url),
            METRICS_SCRAPE_TIMEOUT_MS,
          ).catch((error: unknown) => {
            notes.push(`could not read the servers' cut counters: ${String(error)}`);
            return null;
          })
        : null;
    const result = this.#result(delivery, cutStats);
    const expectedPublishFailures = this.#kind.expectsPublishFailures ? result.publishFailures : 0;
    return { result, failure: this.#failure, expectedPublishFailures, notes };
  }

  #result(delivery: DeliveryStats, cutStats: ServerCutStats | null): FaultResult {
    this.#sample();
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    const { spec } = this.#options;
    const figures = this.tracker.summarize();
    const cuts = this.#kind.readsServerCuts;
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
      serverCuts: cuts ? (cutStats?.cuts ?? null) : null,
      cutReasons: cuts ? (cutStats?.reasons ?? []) : [],
      maxBufferedBytes: cuts ? (cutStats?.maxBufferedBytes ?? null) : null,
      bufferBoundBytes: cuts ? bufferBoundFromArgs(spec.serverArgs) : null,
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
