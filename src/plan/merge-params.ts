/**
 * How a scenario's layers combine into one run's params. Later layers win:
 * 1. `params` (the full-size base);
 * 2. the step's `overrides` (full-size steps from `sweep.steps`);
 * 3. `--quick` only: `quick.params`, which shrinks phases and clients of every step...
 * 4. ...except the swept parameter, which always keeps the step's value so a sweep never
 *    collapses into identical runs;
 * 5. `--quick` with `quick.steps`: those steps replace `sweep.steps` and, being written for
 *    quick mode, are applied after `quick.params`.
 */
import type { Scenario, ScenarioParams, ScenarioStep } from "../model/scenario.ts";

/** The steps a scenario runs in this mode: `[null]` for a scenario without a sweep. */
export function stepsFor(scenario: Scenario, quick: boolean): readonly (ScenarioStep | null)[] {
  if (!scenario.sweep) return [null];
  return quick ? (scenario.quick.steps ?? scenario.sweep.steps) : scenario.sweep.steps;
}

/** The params of one step (or of the scenario itself when `step` is null), before CLI overrides. */
export function paramsFor(
  scenario: Scenario,
  step: ScenarioStep | null,
  quick: boolean,
): ScenarioParams {
  const overrides = step?.overrides ?? {};
  if (!quick) return { ...scenario.params, ...overrides };
  const quickSteps = scenario.quick.steps;
  if (step && quickSteps?.includes(step)) {
    return { ...scenario.params, ...scenario.quick.params, ...overrides };
  }
  const params: ScenarioParams = { ...scenario.params, ...overrides, ...scenario.quick.params };
  const parameter = scenario.sweep?.parameter;
  if (step && parameter !== undefined && step.overrides[parameter] !== undefined) {
    Object.assign(params, { [parameter]: step.overrides[parameter] });
  }
  return params;
}
