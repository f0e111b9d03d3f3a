/**
 * Fault runs as the report sees them: grouped by fault kind, what each kind tests in one line,
 * the two judgements the tables and the chart share (did history cover the gap, how long a run
 * that never recovered was watched), and the line that names the runs that never recovered.
 * Pure; reads only the results schema.
 */

import { FAULT_KINDS, type FaultKind } from "../../model/fault-kinds.ts";
import type { BenchResults } from "../../model/results.ts";
import { STRATEGIES, type StrategyId } from "../../model/strategies.ts";
import { formatDurationMs } from "./format.ts";
import {
  compareRuns,
  type FaultRun,
  faultRuns,
  groupRepetitions,
  type RunGroup,
  repetitionsLabel,
} from "./run-groups.ts";

/** What each fault tests, one line; the runs' own `fault.action` says what exactly was done. */
export const FAULT_KIND_EXPLAINERS: Readonly<Record<FaultKind, string>> = {
  "server-restart":
    "The only server process dies without warning and comes back: every client must reconnect and resume from its cursor.",
  "instance-failover":
    "One of several server instances dies and stays dead: its clients must move to the others and resume there.",
  "redis-blip":
    "Redis is unreachable for a while, its data kept: publishes fail, the servers must get their subscription and reads back.",
  "reconnect-storm":
    "Every client drops its connection and reconnects within a short spread: the server takes the whole herd at once.",
  "slow-consumer":
    "A share of the clients read slower than notifications arrive: the server must bound what it buffers for them without slowing the others.",
  "history-trimmed":
    "A share of the clients go away while their history is trimmed past their cursor: on return the server must announce the gap (a reset), not skip it silently.",
};

export interface FaultGroup {
  kind: FaultKind;
  /** Runs in canonical strategy order (then step, then repetition). */
  runs: FaultRun[];
  /** The repetitions of each scenario step x strategy with their summary, in the same order. */
  groups: RunGroup<FaultRun>[];
  strategies: StrategyId[];
}

/** Fault runs grouped by fault kind, in FAULT_KINDS order; empty when the file has none. */
export function groupFaultsByKind(results: BenchResults): FaultGroup[] {
  const runs = faultRuns(results);
  return FAULT_KINDS.map((kind) => {
    const own = runs
      .filter((run) => run.fault.kind === kind)
      .sort((a, b) => compareRuns(a, b) || a.repetition - b.repetition);
    return {
      kind,
      runs: own,
      groups: groupRepetitions(results, own),
      strategies: STRATEGIES.filter((s) => own.some((r) => r.strategy === s)),
    };
  }).filter((group) => group.runs.length > 0);
}

/**
 * Whether the kept history held everything the clients missed, so any loss or duplicate is the
 * strategy's failure. It did for every fault but history-trimmed, which trims it on purpose;
 * there, a server that announced the gap (resets > 0) accounted for what history no longer had,
 * so anything else missing is again its failure. Only a silent gap (trimmed, no reset) is not.
 */
export function historyCoveredGap(run: FaultRun): boolean {
  return run.fault.kind !== "history-trimmed" || run.fault.resets > 0;
}

/**
 * How long the run watched for recovery: fault start to the end of the drain (the window's
 * remainder plus the drain). A run that never recovered did not recover *within* this time; null
 * when the timing cannot say (a fault recorded after the window).
 */
export function watchedAfterFaultMs(run: FaultRun): number | null {
  const watched = run.timing.measuredMs - run.fault.startMs + run.timing.drainedMs;
  return watched > 0 ? watched : null;
}

/** "short-polling", or "short-polling [step]" / "(scenario)" when a kind has several runs per strategy. */
export function faultRunLabel(run: FaultRun): string {
  const step = run.step === null ? "" : ` [${run.step.label}]`;
  const scenario = run.scenario === run.fault.kind ? "" : ` (${run.scenario})`;
  return `${run.strategy}${step}${scenario}`;
}

/**
 * "Not recovered: redis-blip sse (watched 20 s)." for under the chart, "redis-blip sse, run 2
 * of 3 (watched 20 s)" for one repetition of several; "" when all recovered.
 */
export function describeNotRecovered(results: BenchResults): string {
  const failed = groupFaultsByKind(results).flatMap((kind) =>
    kind.groups.flatMap((group) => {
      const runs = group.runs.filter((run) => !run.fault.recovered);
      if (runs.length === 0) return [];
      const watchedMs = [...new Set(runs.map(watchedAfterFaultMs))].filter(
        (ms): ms is number => ms !== null,
      );
      const watched =
        watchedMs.length === 0 ? "" : ` (watched ${watchedMs.map(formatDurationMs).join(" / ")})`;
      const which =
        group.runs.length > 1
          ? `, ${repetitionsLabel(
              runs.map((run) => run.repetition),
              group.runs.length,
            )}`
          : "";
      return [`${kind.kind} ${faultRunLabel(runs[0] as FaultRun)}${which}${watched}`];
    }),
  );
  if (failed.length === 0) return "";
  return `Not recovered before the drain ended: ${failed.join("; ")}. In the chart their hollow bars show how long the run watched, not a recovery time.`;
}
