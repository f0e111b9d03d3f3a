/**
 * Checks scenarios before anything starts, so a typo in a scenario file (or a bad override)
 * fails in a second with a message naming the scenario, the JSON path, the value and the fix,
 * instead of as a confusing run ten minutes in. The rules are the one scenario schema
 * (src/model/scenario-schema.ts); this file turns its first problem into a UsageError.
 */

import { PARAM_LIMITS, PARAM_NAMES, PLAN_LIMITS } from "../model/param-limits.ts";
import type { Scenario, ScenarioParams } from "../model/scenario.ts";
import {
  CAPACITY_INTERVAL_RANGE,
  CAPACITY_STRATEGIES,
  formatProblem,
  MAX_CAPACITY_LIST,
  notificationsPerSec,
  paramsProblems,
  parseWith,
  scenarioSchema,
} from "../model/scenario-schema.ts";
import { UsageError } from "../util/usage-error.ts";

/** Allowed range of every parameter: the table in src/model/param-limits.ts. */
export const PARAM_RULES = PARAM_LIMITS;

export {
  CAPACITY_INTERVAL_RANGE,
  CAPACITY_STRATEGIES,
  MAX_CAPACITY_LIST,
  notificationsPerSec,
  PARAM_NAMES,
};

/**
 * Notifications per second across all users (clients x rate for per-user fanout; events x
 * clients for all-users). Above this the driver and server on one small machine measure
 * their own saturation, not the strategy. From PLAN_LIMITS (src/model/param-limits.ts).
 */
export const MAX_NOTIFICATIONS_PER_SEC = PLAN_LIMITS.notificationsPerSec.max;

/**
 * Parses a scenario (a built-in, a file entry, or one changed by a flag such as --sweep):
 * the parsed scenario with defaults filled in, or a UsageError "scenario '<id>': <path>: ...".
 */
export function parseScenario(input: unknown): Scenario {
  const parsed = parseWith(scenarioSchema, input);
  if (parsed.ok) return parsed.data;
  const id = (input as { id?: unknown } | null)?.id;
  throw new UsageError(`scenario '${typeof id === "string" ? id : String(id)}': ${parsed.message}`);
}

/** Validates a whole scenario: its params, every step, its strategies and its quick form. */
export function validateScenario(scenario: Scenario): void {
  parseScenario(scenario);
}

/**
 * Validates fully resolved params (after steps, `--quick` and CLI overrides): every field and
 * the combinations. `where` prefixes the message, e.g. "scenario 'steady'".
 */
export function validateParams(params: ScenarioParams, where: string): void {
  const problem = paramsProblems(params)[0];
  if (problem) {
    const path = problem.path.length > 0 ? ["params", ...problem.path] : [];
    throw new UsageError(`${where}: ${formatProblem({ path, message: problem.message })}`);
  }
}
