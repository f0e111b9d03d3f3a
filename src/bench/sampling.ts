/**
 * `--until-confident`, the pure part: given the runs of one scenario step so far, which
 * between-strategy comparisons exist, are they resolved, and should the bench add another
 * interleaved repetition of every strategy of the step? Plus the budget share of a step and
 * the one line printed when a step ends. No processes, no clock: the bench loop passes in the
 * runs and the times, and these functions decide (tests inject results).
 *
 * A comparison is one chosen figure (p50, requests per delivered, ...) between two strategies
 * of the step, A vs B in plan order, over the per-run values of their valid runs
 * (`relativeDifference`: a log-scale ratio with a Welch interval). It exists once both sides
 * have a value; a side with one value has no interval yet and is unresolved. The stop rule is
 * src/stats' `samplingDecision` (resolved, else max-runs, else time budget).
 */

import {
  CONFIDENT_ON_FIGURES,
  type ConfidentOnName,
  type UntilConfidentOptions,
} from "../cli/bench-options.ts";
import type { RunResult, SamplingInfo } from "../model/results.ts";
import type { StrategyId } from "../model/strategies.ts";
import type { HeadlineFigure } from "../model/summaries.ts";
import type { PlannedRun } from "../plan/resolve-runs.ts";
import { figureOf } from "../results/summarize-runs.ts";
import {
  formatRelativeDiff,
  isResolved,
  type RelativeDiff,
  relativeDifference,
  type SamplingReason,
  samplingDecision,
} from "../stats/index.ts";

export type EndedBy = SamplingInfo["groups"][number]["endedBy"];

export interface StepComparison {
  figure: HeadlineFigure;
  a: StrategyId;
  b: StrategyId;
  diff: RelativeDiff;
  resolved: boolean;
}

/** Valid per-run values of one figure for one strategy, in repetition order. */
export function valuesOf(
  runs: readonly RunResult[],
  strategy: StrategyId,
  figure: HeadlineFigure,
): number[] {
  return runs
    .filter((run) => run.valid && run.strategy === strategy)
    .sort((x, y) => x.repetition - y.repetition)
    .map((run) => figureOf(run, figure))
    .filter((value): value is number => value !== null && Number.isFinite(value));
}

/**
 * Every comparison that exists among `runs` (one step's): each figure x each pair of
 * `strategies` (plan order, A before B) where both sides have at least one valid value.
 */
export function stepComparisons(
  runs: readonly RunResult[],
  strategies: readonly StrategyId[],
  figures: readonly HeadlineFigure[],
  horizon: number,
): StepComparison[] {
  const comparisons: StepComparison[] = [];
  for (const figure of figures) {
    for (const [i, a] of strategies.entries()) {
      for (const b of strategies.slice(i + 1)) {
        const valuesA = valuesOf(runs, a, figure);
        const valuesB = valuesOf(runs, b, figure);
        if (valuesA.length === 0 || valuesB.length === 0) continue;
        const diff = relativeDifference(valuesA, valuesB);
        comparisons.push({ figure, a, b, diff, resolved: isResolved(diff, horizon) });
      }
    }
  }
  return comparisons;
}

export interface StepSamplingInput {
  /** Every run of the step so far, valid or not (only valid ones count). */
  runs: readonly RunResult[];
  /** The step's strategies, in plan order. */
  strategies: readonly StrategyId[];
  figures: readonly HeadlineFigure[];
  horizon: number;
  /** Interleaved repetitions of the step done so far (rounds of every strategy). */
  repetitionsDone: number;
  minRepetitions: number;
  maxRepetitions: number;
  /** Since the step started, ms. */
  elapsedMs: number;
  /** What one more repetition of every strategy is expected to take, ms. */
  nextRoundMs: number;
  /** The step's share of the time budget, from its start (see stepBudgetMs), ms. */
  budgetMs: number;
}

export interface StepSamplingDecision {
  /** true: add one more interleaved repetition of every strategy of the step. */
  more: boolean;
  reason: SamplingReason;
  comparisons: StepComparison[];
  unresolved: StepComparison[];
}

/**
 * The stop rule for one step after a round. The time budget is checked ahead: a round that
 * would end past the step's budget is not started (elapsed + next round >= budget stops), so
 * the budget bounds the bench rather than being overrun by a round each step.
 */
export function decideStep(input: StepSamplingInput): StepSamplingDecision {
  const comparisons = stepComparisons(input.runs, input.strategies, input.figures, input.horizon);
  const decision = samplingDecision({
    comparisons: comparisons.map((c) => c.diff),
    horizon: input.horizon,
    elapsedMs: input.elapsedMs + input.nextRoundMs,
    budgetMs: input.budgetMs,
    runsDone: input.repetitionsDone,
    minRuns: input.minRepetitions,
    maxRuns: input.maxRepetitions,
  });
  return {
    more: !decision.stop,
    reason: decision.reason,
    comparisons,
    unresolved: comparisons.filter((c) => !c.resolved),
  };
}

/** One step's place in the budget: its first rounds (always run) and one more round, ms. */
export interface StepCost {
  /** The planned repetitions (the first rounds), which run whatever the budget says. */
  minRoundsMs: number;
  /** One more interleaved repetition of every strategy of the step. */
  roundMs: number;
}

/**
 * How much of the bench's remaining budget the step about to start may use, from its start.
 * The budget is shared across the whole bench and prorated per remaining step: every later
 * step's first rounds are reserved (they run anyway), and the slack left is split in
 * proportion to the cost of one more round, so each remaining step can afford about the same
 * number of added repetitions. Called at each step's start with what is really left, so time a
 * step did not use flows on to the later ones. `steps[0]` is the step about to start.
 */
export function stepBudgetMs(remainingMs: number, steps: readonly StepCost[]): number {
  const [current] = steps;
  if (current === undefined) return 0;
  const reserved = steps.reduce((total, step) => total + step.minRoundsMs, 0);
  const rounds = steps.reduce((total, step) => total + step.roundMs, 0);
  const slack = Math.max(0, remainingMs - reserved);
  const share = rounds > 0 ? (slack * current.roundMs) / rounds : 0;
  return current.minRoundsMs + share;
}

const FIGURE_NAMES: Record<HeadlineFigure, string> = {
  latencyP50Ms: "p50",
  latencyP99Ms: "p99",
  requestsPerDelivered: "requests/delivered",
  bytesPerDelivered: "bytes/delivered",
  serverCpuMsPer1000Deliveries: "server CPU",
  serverRssPerConnectionBytes: "RSS/connection",
  timeToRecoverMs: "time to recover",
  radioEnergyPerUserHourJ: "radio energy/user-hour",
};

/** "p50 sse vs long-polling -6.0 % [-12.0 %, +1.0 %]". */
export function formatComparison(c: StepComparison): string {
  return `${FIGURE_NAMES[c.figure]} ${c.a} vs ${c.b} ${formatRelativeDiff(c.diff)}`;
}

const ENDED_BY: Record<EndedBy, string> = {
  resolved: "resolved",
  "time-budget": "stopped by the time budget",
  "max-runs": "stopped at --max-repeat",
};

/** What ended a step's sampling, as the results record it. */
export function endedByOf(reason: SamplingReason): EndedBy {
  return reason === "continue" ? "resolved" : reason;
}

/**
 * The line printed when a step's sampling ends, e.g. `steady: resolved after 5 repetitions
 * (2 differences)` or `steady: stopped by the time budget after 4 repetitions, 1 of 2
 * differences unresolved: p50 sse vs long-polling -3.1 % [-6.2 %, +0.1 %]`.
 */
export function formatStepOutcome(
  stepName: string,
  repetitions: number,
  decision: Pick<StepSamplingDecision, "reason" | "comparisons" | "unresolved">,
): string {
  const after = `after ${repetitions} repetition${repetitions === 1 ? "" : "s"}`;
  const total = decision.comparisons.length;
  if (total === 0) {
    return `${stepName}: nothing to compare (one strategy, or no values of the chosen figures); ${repetitions} repetition${repetitions === 1 ? "" : "s"}`;
  }
  const differences = `${total} difference${total === 1 ? "" : "s"}`;
  const endedBy = endedByOf(decision.reason);
  if (endedBy === "resolved") return `${stepName}: resolved ${after} (${differences})`;
  const open = decision.unresolved.map(formatComparison).join("; ");
  return `${stepName}: ${ENDED_BY[endedBy]} ${after}, ${decision.unresolved.length} of ${differences} unresolved: ${open}`;
}

// ---------------------------------------------------------------------------------------------
// The plan, step by step
// ---------------------------------------------------------------------------------------------

/** One scenario step of the plan: its runs (every strategy, every planned repetition). */
export interface PlanStep {
  scenario: string;
  step: PlannedRun["step"];
  runs: PlannedRun[];
}

/** `steady`, `rate-sweep [0.1/s]`. */
export function stepName(step: Pick<PlanStep, "scenario" | "step">): string {
  return step.step ? `${step.scenario} [${step.step.label}]` : step.scenario;
}

/** The plan cut into its scenario steps (consecutive runs of one scenario and step label). */
export function stepsOf(plan: readonly PlannedRun[]): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const run of plan) {
    const last = steps.at(-1);
    if (last && last.scenario === run.scenario && last.step?.label === run.step?.label) {
      last.runs.push(run);
    } else {
      steps.push({ scenario: run.scenario, step: run.step, runs: [run] });
    }
  }
  return steps;
}

/** The step's strategies in plan order (the order every round runs them in). */
export function strategiesOf(step: PlanStep): StrategyId[] {
  return [...new Set(step.runs.map((run) => run.strategy))];
}

/**
 * One more interleaved repetition of every strategy of the step: copies of its first
 * repetition's runs with `repetition` (and `repetitions`, the count planned so far) set.
 */
export function nextRound(step: PlanStep, repetition: number): PlannedRun[] {
  return strategiesOf(step).map((strategy) => {
    const template = step.runs.find((run) => run.strategy === strategy) as PlannedRun;
    return {
      ...template,
      repetition,
      repetitions: repetition,
      params: { ...template.params },
      warnings: [...template.warnings],
      fault: template.fault ? { ...template.fault } : null,
    };
  });
}

/** `p50, requests` for the figures chosen with --confident-on. */
function confidentOnNames(figures: readonly HeadlineFigure[]): string {
  const names = Object.entries(CONFIDENT_ON_FIGURES) as [ConfidentOnName, HeadlineFigure][];
  return figures.map((figure) => names.find(([, f]) => f === figure)?.[0] ?? figure).join(", ");
}

/**
 * The line that says what `--until-confident` will do, before the load (and in a dry run,
 * after the plan of the first round).
 */
export function describeSampling(confident: UntilConfidentOptions, minRepetitions: number): string {
  const minutes = Math.round(confident.budgetMs / 6_000) / 10;
  return (
    `until confident (±${Number((confident.horizon * 100).toPrecision(6))} % on ${confidentOnNames(confident.figures)}): ` +
    `each step runs ${minRepetitions} repetitions first; more (up to ${confident.maxRepeat} per step) ` +
    `may follow while a difference between strategies is unresolved, within a ${minutes} min time budget`
  );
}
