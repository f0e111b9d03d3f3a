/**
 * What `npm run bench` flags do to a scenario before it is planned: a parameter flag (`--rate`,
 * `--poll-interval`, ...) replaces that parameter in every run, and `--sweep param=a,b,c` turns a
 * scenario into a sweep over that parameter. Both are refused where they would erase what the
 * scenario asks (a flag on the parameter it sweeps; a second sweep), with one line naming the
 * flag, the scenario and the fix.
 */
import { type NumericParam, PARAM_LIMITS, type ParamName } from "../model/param-limits.ts";
import type { Scenario, ScenarioParams } from "../model/scenario.ts";
import { UsageError } from "../util/usage-error.ts";
import { parseScenario } from "./validate-scenario.ts";

/** `--sweep param=a,b,c`: the parameter and its values in its own unit, with the labels typed. */
export interface AdHocSweep {
  parameter: NumericParam;
  steps: { label: string; value: number }[];
}

/** The flag that sets `name`, for messages: "--rate", or the field name when it has none. */
export function flagOf(name: ParamName): string {
  const limit: { flag?: { name: string } } = PARAM_LIMITS[name];
  return limit.flag?.name ?? name;
}

/**
 * Refuses a parameter flag on a parameter the scenario sweeps (the flag would flatten the sweep
 * into identical runs). `--clients` keeps its older rule (applied except to sweeps over clients,
 * with a warning) and is not passed here.
 */
export function checkOverrides(scenario: Scenario, overrides: Partial<ScenarioParams>): void {
  const swept = scenario.sweep?.parameter;
  if (swept !== undefined && overrides[swept] !== undefined) {
    throw new UsageError(
      `${flagOf(swept)} conflicts with scenario '${scenario.id}', which sweeps ${swept}; drop ${flagOf(swept)} or choose scenarios that do not sweep it (e.g. --scenario steady).`,
    );
  }
}

/** The scenario as a sweep over `sweep.parameter`, validated like any scenario. */
export function withAdHocSweep(scenario: Scenario, sweep: AdHocSweep): Scenario {
  const flag = `--sweep ${sweep.parameter}=...`;
  if (scenario.sweep) {
    throw new UsageError(
      `${flag} cannot run on scenario '${scenario.id}', which sweeps ${scenario.sweep.parameter} already; choose scenarios without a sweep (e.g. --scenario steady).`,
    );
  }
  if (scenario.capacity || scenario.fault) {
    throw new UsageError(
      `${flag} cannot run on scenario '${scenario.id}': a ${scenario.capacity ? "capacity" : "fault"} scenario cannot also be a sweep; choose scenarios without a fault or capacity spec (e.g. --scenario steady).`,
    );
  }
  const limit = PARAM_LIMITS[sweep.parameter];
  return parseScenario({
    ...scenario,
    sweep: {
      parameter: sweep.parameter,
      axisTitle: `${sweep.parameter} (${limit.unit})`,
      steps: sweep.steps.map(({ label, value }) => ({
        label,
        value,
        overrides: { [sweep.parameter]: value },
      })),
    },
  });
}
