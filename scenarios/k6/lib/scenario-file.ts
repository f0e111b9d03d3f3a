/**
 * The shape of scenarios/k6/scenarios.json: the resolved scenario definitions (from
 * scenarios/index.ts through src/plan/resolve-runs.ts), written by `npm run export-scenarios`
 * so the k6 scripts read the same single source of truth as `npm run bench`.
 *
 * Pure TypeScript: no k6 or Node imports, so the k6 scripts, the exporter and the unit tests
 * (running in Node) all share it.
 */

import type { ScenarioParams } from "../../../src/model/scenario.ts";
import type { StrategyId } from "../../../src/model/strategies.ts";

export const SCENARIO_FILE_VERSION = 1 as const;

export interface ScenarioFileStep {
  parameter: string;
  label: string;
  value: number;
}

/** One resolved run of a scenario (one per sweep step; exactly one for a scenario without sweep). */
export interface ScenarioFileRun {
  step: ScenarioFileStep | null;
  /** Fully resolved and validated, exactly what `npm run bench` would use. */
  params: ScenarioParams;
  /** Notes resolve-runs attached (e.g. "window covers fewer than 2 short-polling intervals"). */
  warnings: string[];
}

export interface ScenarioFileEntry {
  id: string;
  description: string;
  /** Strategies this scenario applies to. */
  strategies: StrategyId[];
  /** The swept parameter, or null for a scenario without sweep. */
  sweep: { parameter: string; axisTitle: string } | null;
  runs: ScenarioFileRun[];
}

export interface ScenarioFile {
  /** Tells a reader the file is generated. */
  $comment: string;
  formatVersion: typeof SCENARIO_FILE_VERSION;
  /** true when written with `--quick` (the smoke-test form of every scenario). */
  quick: boolean;
  scenarios: ScenarioFileEntry[];
}

/** What a k6 script runs: one scenario, one of its steps, its resolved params. */
export interface SelectedRun {
  scenario: string;
  step: ScenarioFileStep | null;
  params: ScenarioParams;
  warnings: string[];
  quick: boolean;
}

/**
 * Picks the run a k6 script executes: scenario `scenarioId`, and for a sweep the step whose
 * label or value equals `stepKey` (default: the first step). Throws an Error naming the valid
 * choices, which k6 prints before any VU starts.
 */
export function selectRun(
  file: ScenarioFile,
  scenarioId: string,
  stepKey: string | undefined,
): SelectedRun {
  if (file.formatVersion !== SCENARIO_FILE_VERSION) {
    throw new Error(
      `scenarios.json has formatVersion ${String(file.formatVersion)}, these scripts read ${SCENARIO_FILE_VERSION}; run npm run export-scenarios`,
    );
  }
  const entry = file.scenarios.find((s) => s.id === scenarioId);
  if (!entry) {
    throw new Error(
      `unknown SCENARIO '${scenarioId}'; use one of: ${file.scenarios.map((s) => s.id).join(", ")}`,
    );
  }
  let run: ScenarioFileRun | undefined;
  if (stepKey === undefined || stepKey === "") {
    run = entry.runs[0];
  } else {
    run = entry.runs.find(
      (r) => r.step !== null && (r.step.label === stepKey || String(r.step.value) === stepKey),
    );
    if (!run) {
      const steps = entry.runs.map((r) => (r.step ? `'${r.step.label}' (${r.step.value})` : ""));
      throw new Error(
        entry.sweep
          ? `scenario '${entry.id}' has no STEP '${stepKey}'; use a label or value of: ${steps.join(", ")}`
          : `scenario '${entry.id}' is not a sweep; leave STEP out`,
      );
    }
  }
  if (!run) throw new Error(`scenario '${entry.id}' has no runs in scenarios.json`);
  return {
    scenario: entry.id,
    step: run.step,
    params: { ...run.params },
    warnings: [...run.warnings],
    quick: file.quick,
  };
}

/** Strategies a scenario applies to, from the file (throws for one it does not apply to). */
export function checkStrategy(file: ScenarioFile, scenarioId: string, strategy: StrategyId): void {
  const entry = file.scenarios.find((s) => s.id === scenarioId);
  if (entry && !entry.strategies.includes(strategy)) {
    throw new Error(
      `scenario '${scenarioId}' applies only to ${entry.strategies.join(", ")}, not ${strategy}`,
    );
  }
}
