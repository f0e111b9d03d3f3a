/**
 * Checks a fault spec against the run it will be injected into, so a bad fault (or a CLI
 * override that breaks it, such as `--duration` shorter than the baseline or `--instances 1`
 * for a failover) fails before anything starts, naming the field and the fix. The rules are the
 * scenario schema's (faultProblems in src/model/scenario-schema.ts, from FAULT_KIND_FACTS); this
 * runs them again on the run as flags left it.
 */

import type { FaultSpec, ScenarioParams } from "../model/scenario.ts";
import {
  faultProblems,
  faultSchema,
  formatProblem,
  MIN_FAULT_BASELINE_MS,
  parseWith,
} from "../model/scenario-schema.ts";
import { UsageError } from "../util/usage-error.ts";

export { MIN_FAULT_BASELINE_MS };

/** Throws UsageError naming `where`, the field and the fix when `fault` cannot run with `params`. */
export function validateFault(fault: FaultSpec, params: ScenarioParams, where: string): void {
  const parsed = parseWith(faultSchema, fault, ["fault"]);
  if (!parsed.ok) throw new UsageError(`${where}: ${parsed.message}`);
  const problem = faultProblems(parsed.data, params)[0];
  if (problem) {
    throw new UsageError(
      `${where}: ${formatProblem({ path: ["fault", ...problem.path], message: problem.message })}`,
    );
  }
}
