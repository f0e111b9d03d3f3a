/**
 * Grouping and ordering of runs: by scenario, then by sweep step, then by strategy in the
 * canonical STRATEGIES order, so every table and chart lists things the same way; the
 * repetitions of one scenario step x strategy form a RunGroup with its summary (results schema
 * 3), which is what tables and charts show.
 * Fault runs (`run.fault !== null`) are split off here: they distort latency and cost on purpose,
 * so they live in their own section (sections/faults.ts) and never in the verdict or scenario charts.
 */
import type { BenchResults, FaultResult, RunResult } from "../../model/results.ts";
import { STRATEGIES, type StrategyId } from "../../model/strategies.ts";
import type { RunSummary } from "../../model/summaries.ts";
import { groupKey, summarizeRuns } from "../../results/summarize-runs.ts";

/**
 * The repetitions of one scenario step x strategy and their summary. Every figure a table or
 * chart shows for a strategy comes from here: the summary's mean and 95 % interval over the
 * valid repetitions (a single value for a single run).
 */
export interface RunGroup<R extends RunResult = RunResult> {
  /** groupKey: scenario, step label, strategy. */
  key: string;
  scenario: string;
  step: RunResult["step"];
  strategy: StrategyId;
  /** Every repetition, valid or not, in repetition order. */
  runs: R[];
  /** Repetitions whose numbers can be trusted. */
  valid: R[];
  /** From the results file (`summaries`); folded from `runs` when the file has none for it. */
  summary: RunSummary;
}

export interface ScenarioGroup {
  scenario: string;
  /** The swept parameter (e.g. "clients"), or null for a single-run scenario. */
  sweepParameter: string | null;
  /** Runs ordered by step value, then strategy, then repetition. */
  runs: RunResult[];
  /** One per scenario step x strategy, in the same order. */
  groups: RunGroup[];
  /** Strategies present, in canonical order. */
  strategies: StrategyId[];
}

/** Canonical run order: step value ascending (single runs first), then STRATEGIES order. */
export function compareRuns(
  a: Pick<RunResult, "step" | "strategy">,
  b: Pick<RunResult, "step" | "strategy">,
): number {
  const stepDiff =
    (a.step?.value ?? Number.NEGATIVE_INFINITY) - (b.step?.value ?? Number.NEGATIVE_INFINITY);
  if (stepDiff !== 0 && !Number.isNaN(stepDiff)) return stepDiff;
  return STRATEGIES.indexOf(a.strategy) - STRATEGIES.indexOf(b.strategy);
}

/**
 * The runs grouped into repetitions of one scenario step x strategy, in order of first
 * appearance, each with its summary from `results.summaries` (matched by groupKey).
 */
export function groupRepetitions<R extends RunResult>(
  results: Pick<BenchResults, "summaries">,
  runs: readonly R[],
): RunGroup<R>[] {
  const byKey = new Map<string, R[]>();
  for (const run of runs) {
    const key = groupKey(run);
    const list = byKey.get(key);
    if (list) list.push(run);
    else byKey.set(key, [run]);
  }
  const summaries = new Map(results.summaries.map((summary) => [groupKey(summary), summary]));
  return [...byKey].map(([key, list]) => {
    const own = [...list].sort((x, y) => x.repetition - y.repetition);
    const first = own[0] as R;
    return {
      key,
      scenario: first.scenario,
      step: first.step,
      strategy: first.strategy,
      runs: own,
      valid: own.filter((run) => run.valid),
      summary: summaries.get(key) ?? (summarizeRuns(own)[0] as RunSummary),
    };
  });
}

/** "1 run", "n = 3", "2 of 3 valid", "0 of 1 valid": how many runs a group's figures rest on. */
export function runsMarker(group: Pick<RunGroup, "runs" | "valid">): string {
  const total = group.runs.length;
  if (group.valid.length === total) return total === 1 ? "1 run" : `n = ${total}`;
  return `${group.valid.length} of ${total} valid`;
}

/** "run 2 of 3", "runs 1 and 3 of 3", "all 3 runs": which repetitions a note is about. */
export function repetitionsLabel(repetitions: readonly number[], total: number): string {
  const sorted = [...new Set(repetitions)].sort((a, b) => a - b);
  if (sorted.length === total && total > 1) return `all ${total} runs`;
  if (sorted.length === 1) return `run ${sorted[0]} of ${total}`;
  return `runs ${sorted.slice(0, -1).join(", ")} and ${sorted.at(-1)} of ${total}`;
}

/**
 * The notes of a group's repetitions with identical texts folded into one, in first-seen order:
 * a warning every repetition had is said once, "all 3 runs", not three times.
 */
export function foldRepetitionNotes(
  notes: readonly { repetition: number; text: string }[],
  total: number,
): { who: string; text: string }[] {
  const byText = new Map<string, number[]>();
  for (const note of notes)
    byText.set(note.text, [...(byText.get(note.text) ?? []), note.repetition]);
  return [...byText].map(([text, repetitions]) => ({
    who: total > 1 ? repetitionsLabel(repetitions, total) : "",
    text,
  }));
}

/** A run of a fault scenario: one with a fault result. */
export type FaultRun = RunResult & { fault: FaultResult };

export function isFaultRun(run: RunResult): run is FaultRun {
  return run.fault !== null;
}

/** The runs without an injected fault: what the verdict, scenario sections and charts show. */
export function sunnyDayRuns(results: BenchResults): RunResult[] {
  return results.runs.filter((run) => !isFaultRun(run));
}

/** The runs with an injected fault, in file order. */
export function faultRuns(results: BenchResults): FaultRun[] {
  return results.runs.filter(isFaultRun);
}

/**
 * Groups the sunny-day runs (fault runs left out) by scenario, in the order the run declared its
 * scenarios (method.scenarios), then any others in order of first appearance.
 */
export function groupByScenario(results: BenchResults): ScenarioGroup[] {
  const byScenario = new Map<string, RunResult[]>();
  for (const name of results.method.scenarios) byScenario.set(name, []);
  for (const run of sunnyDayRuns(results)) {
    const list = byScenario.get(run.scenario) ?? [];
    list.push(run);
    byScenario.set(run.scenario, list);
  }
  const groups: ScenarioGroup[] = [];
  for (const [scenario, runs] of byScenario) {
    if (runs.length === 0) continue;
    runs.sort((a, b) => compareRuns(a, b) || a.repetition - b.repetition);
    const sweepParameter = runs.find((r) => r.step !== null)?.step?.parameter ?? null;
    const strategies = STRATEGIES.filter((s) => runs.some((r) => r.strategy === s));
    groups.push({
      scenario,
      sweepParameter,
      runs,
      groups: groupRepetitions(results, runs),
      strategies,
    });
  }
  return groups;
}

/** How a group of one results file pairs with its twin (same `groupKey`) in the other. */
export type PairStatus =
  | "compared"
  | "only in A"
  | "only in B"
  | "invalid in A"
  | "invalid in B"
  | "invalid in both";

/** How a group pairs with its twin: both have valid runs ("compared"), or which side has none. */
export function pairStatus(a: { valid: boolean }, b: { valid: boolean }): PairStatus {
  if (!a.valid && !b.valid) return "invalid in both";
  if (!a.valid) return "invalid in A";
  if (!b.valid) return "invalid in B";
  return "compared";
}

/** Identity of the comparison set a run belongs to (same scenario and step, any strategy). */
export function stepKey(run: Pick<RunResult, "scenario" | "step">): string {
  return `${run.scenario}\u0000${run.step?.label ?? ""}`;
}

/** Human label of a run's step, "" for single runs. */
export function stepLabel(run: Pick<RunResult, "step">): string {
  return run.step?.label ?? "";
}

/** "ramp [10,000 clients]", or the bare scenario for a single run (runs and failed runs alike). */
export function scenarioStepLabel(run: Pick<RunResult, "scenario" | "step">): string {
  return `${run.scenario}${run.step ? ` [${run.step.label}]` : ""}`;
}

/** The counts the report's header line states. */
export interface RunCounts {
  /** Runs without an injected fault. */
  sunnyDay: number;
  /** Scenario steps x strategies among them (fewer than runs with repetitions). */
  groups: number;
  faults: number;
  /** Fault runs that did not recover before the drain ended. */
  notRecovered: number;
  /** Invalid runs, sunny-day and fault runs alike. */
  invalid: number;
  capacity: number;
  invalidCapacity: number;
  failed: number;
  warnings: number;
}

export function countRuns(results: BenchResults): RunCounts {
  const faults = faultRuns(results);
  return {
    sunnyDay: sunnyDayRuns(results).length,
    groups: new Set(sunnyDayRuns(results).map(groupKey)).size,
    faults: faults.length,
    notRecovered: faults.filter((r) => !r.fault.recovered).length,
    invalid: results.runs.filter((r) => !r.valid).length,
    capacity: results.capacity.length,
    invalidCapacity: results.capacity.filter((c) => !c.valid).length,
    failed: results.failedRuns.length,
    warnings: results.runs.reduce((n, r) => n + r.warnings.length, 0),
  };
}
