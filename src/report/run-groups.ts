/**
 * Grouping and ordering of runs: by scenario, then by sweep step, then by strategy in the
 * canonical STRATEGIES order, so every table and chart lists things the same way.
 * Fault runs (`run.fault !== null`) are split off here: they distort latency and cost on purpose,
 * so they live in their own section (fault-table.ts) and never in the verdict or scenario charts.
 */
import type { BenchResults, FaultResult, RunResult } from "../model/results.ts";
import { STRATEGIES, type StrategyId } from "../model/strategies.ts";

export interface ScenarioGroup {
  scenario: string;
  /** The swept parameter (e.g. "clients"), or null for a single-run scenario. */
  sweepParameter: string | null;
  /** Runs ordered by step value, then strategy. */
  runs: RunResult[];
  /** Strategies present, in canonical order. */
  strategies: StrategyId[];
}

/** Canonical run order: step value ascending (single runs first), then STRATEGIES order. */
export function compareRuns(a: RunResult, b: RunResult): number {
  const stepDiff =
    (a.step?.value ?? Number.NEGATIVE_INFINITY) - (b.step?.value ?? Number.NEGATIVE_INFINITY);
  if (stepDiff !== 0 && !Number.isNaN(stepDiff)) return stepDiff;
  return STRATEGIES.indexOf(a.strategy) - STRATEGIES.indexOf(b.strategy);
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
    runs.sort(compareRuns);
    const sweepParameter = runs.find((r) => r.step !== null)?.step?.parameter ?? null;
    const strategies = STRATEGIES.filter((s) => runs.some((r) => r.strategy === s));
    groups.push({ scenario, sweepParameter, runs, strategies });
  }
  return groups;
}

/** How a run of one results file pairs with its twin (same `runKey`) in the other. */
export type PairStatus =
  | "compared"
  | "only in A"
  | "only in B"
  | "invalid in A"
  | "invalid in B"
  | "invalid in both";

/** Identity of a run across two results files: scenario, step label and strategy. */
export function runKey(run: RunResult): string {
  return `${run.scenario}\u0000${run.step?.label ?? ""}\u0000${run.strategy}`;
}

/** Identity of the comparison set a run belongs to (same scenario and step, any strategy). */
export function stepKey(run: RunResult): string {
  return `${run.scenario}\u0000${run.step?.label ?? ""}`;
}

/** Human label of a run's step, "" for single runs. */
export function stepLabel(run: RunResult): string {
  return run.step?.label ?? "";
}
