/**
 * Checks scenarios before anything starts, so a typo in a scenario file (or a bad override)
 * fails in a second with a message naming the scenario, the field, the value and the allowed
 * range, instead of as a confusing run ten minutes in.
 */

import {
  type EnumLimit,
  type NumberLimit,
  PARAM_LIMITS,
  PARAM_NAMES,
  PLAN_LIMITS,
  REPEAT_LIMITS,
} from "../model/param-limits.ts";
import type { CapacitySpec, Scenario, ScenarioParams, ScenarioStep } from "../model/scenario.ts";
import { isStrategyId, STRATEGIES } from "../model/strategies.ts";
import { UsageError } from "../util/usage-error.ts";
import { paramsFor, stepsFor } from "./merge-params.ts";
import { validateFault } from "./validate-fault.ts";

/** The range part of a number limit: what the capacity rules below share with the params'. */
type NumberRule = Pick<NumberLimit, "kind" | "min" | "max" | "integer">;

/** Allowed range of every parameter: the table in src/model/param-limits.ts. */
export const PARAM_RULES: { readonly [K in keyof ScenarioParams]: NumberLimit | EnumLimit } =
  PARAM_LIMITS;

export { PARAM_NAMES };

/**
 * Notifications per second across all users (clients x rate for per-user fanout; events x
 * clients for all-users). Above this the driver and server on one small machine measure
 * their own saturation, not the strategy. From PLAN_LIMITS (src/model/param-limits.ts).
 */
export const MAX_NOTIFICATIONS_PER_SEC = PLAN_LIMITS.notificationsPerSec.max;

const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Validates a whole scenario: its params, every step, its strategies and its quick form. */
export function validateScenario(scenario: Scenario): void {
  const label = typeof scenario.id === "string" ? scenario.id : String(scenario.id);
  const fail = (message: string): never => {
    throw new UsageError(`scenario '${label}': ${message}`);
  };
  if (typeof scenario.id !== "string" || !ID_PATTERN.test(scenario.id)) {
    fail(`id must be kebab-case (lowercase letters, digits and dashes), e.g. 'rate-sweep'`);
  }
  if (typeof scenario.description !== "string" || scenario.description.trim() === "") {
    fail("description is empty; say in one sentence what question the scenario answers");
  }
  if (typeof scenario.params !== "object" || scenario.params === null) {
    fail("params is missing; give every field of ScenarioParams");
  }
  for (const name of PARAM_NAMES) {
    if (!(name in scenario.params)) fail(`params.${name} is missing`);
  }
  checkPartialParams(label, "params", scenario.params);
  validateParams(scenario.params, `scenario '${label}'`);

  const { defaultRepeat } = scenario;
  if (defaultRepeat !== undefined) {
    const { min, max } = REPEAT_LIMITS;
    if (!Number.isInteger(defaultRepeat) || defaultRepeat < min || defaultRepeat > max) {
      fail(`defaultRepeat must be a whole number ${min}..${max}, got ${String(defaultRepeat)}`);
    }
  }

  if (scenario.strategies !== undefined) {
    if (scenario.strategies.length === 0) {
      fail(`strategies is empty; leave it out for all (${STRATEGIES.join(", ")}) or list some`);
    }
    scenario.strategies.forEach((strategy, i) => {
      if (!isStrategyId(strategy)) {
        fail(`strategies[${i}] '${strategy}' is unknown; use ${STRATEGIES.join(", ")}`);
      }
      if (scenario.strategies?.indexOf(strategy) !== i)
        fail(`strategies lists '${strategy}' twice`);
    });
  }

  const quick = scenario.quick;
  if (typeof quick !== "object" || quick === null) {
    fail("quick is missing; give at least { params: {} }");
  }
  checkPartialParams(label, "quick.params", quick.params);
  if (scenario.capacity !== undefined) validateCapacity(scenario);
  else if (quick.capacity !== undefined) {
    fail("quick.capacity is given but the scenario has no capacity spec");
  }

  if (scenario.fault !== undefined) {
    if (scenario.sweep !== undefined || scenario.capacity !== undefined) {
      fail("a fault scenario cannot also be a sweep or a capacity scenario");
    }
    validateFault(scenario.fault, scenario.params, `scenario '${label}'`);
    validateFault(
      { ...scenario.fault, ...quick.fault },
      paramsFor(scenario, null, true),
      `scenario '${label}' (quick)`,
    );
  } else if (quick.fault !== undefined) {
    fail("quick.fault is given but the scenario has no fault");
  }

  const sweep = scenario.sweep;
  if (sweep === undefined) {
    if (quick.steps !== undefined) fail("quick.steps is given but the scenario has no sweep");
    validateParams(paramsFor(scenario, null, true), `scenario '${label}' (quick)`);
    return;
  }
  if (!(sweep.parameter in PARAM_RULES) || PARAM_RULES[sweep.parameter].kind !== "number") {
    fail(
      `sweep.parameter '${String(sweep.parameter)}' is not a numeric parameter; use one of ${numericParams().join(", ")}`,
    );
  }
  if (typeof sweep.axisTitle !== "string" || sweep.axisTitle.trim() === "") {
    fail("sweep.axisTitle is empty; give the axis title with its unit, e.g. 'clients'");
  }
  checkSteps(label, "sweep.steps", sweep.parameter, sweep.steps);
  if (quick.steps !== undefined) checkSteps(label, "quick.steps", sweep.parameter, quick.steps);
  // Each step as it will really run, full-size and quick.
  for (const isQuick of [false, true]) {
    stepsFor(scenario, isQuick).forEach((step, i) => {
      const where = `scenario '${label}' ${isQuick ? "(quick) " : ""}step ${i} '${step?.label}'`;
      validateParams(paramsFor(scenario, step, isQuick), where);
    });
  }
}

function checkSteps(
  label: string,
  path: string,
  parameter: keyof ScenarioParams,
  steps: readonly ScenarioStep[] | undefined,
): void {
  const fail = (message: string): never => {
    throw new UsageError(`scenario '${label}': ${message}`);
  };
  if (!Array.isArray(steps) || steps.length === 0) {
    fail(`${path} is empty; a sweep needs at least one step`);
  }
  const labels = new Set<string>();
  steps?.forEach((step, i) => {
    const where = `${path}[${i}]`;
    if (typeof step.label !== "string" || step.label.trim() === "") {
      fail(`${where}.label is empty; give a short tick label such as '1,000 clients'`);
    }
    if (labels.has(step.label)) fail(`${where}.label '${step.label}' is used twice`);
    labels.add(step.label);
    const swept = step.overrides?.[parameter];
    if (swept === undefined) {
      fail(`${where}.overrides.${parameter} is missing; every step must set the swept parameter`);
    }
    if (swept !== step.value) {
      fail(
        `${where}.value ${step.value} differs from overrides.${parameter} ${String(swept)}; make them equal`,
      );
    }
    checkPartialParams(label, `${where}.overrides`, step.overrides);
  });
}

/** Checks every field present in a partial params object (unknown fields are errors too). */
function checkPartialParams(label: string, path: string, params: Partial<ScenarioParams>): void {
  if (typeof params !== "object" || params === null) {
    throw new UsageError(`scenario '${label}': ${path} must be an object of parameters`);
  }
  for (const [name, value] of Object.entries(params)) {
    if (!(name in PARAM_RULES)) {
      throw new UsageError(
        `scenario '${label}': ${path}.${name} is not a parameter; known: ${PARAM_NAMES.join(", ")}`,
      );
    }
    const problem = checkValue(name as keyof ScenarioParams, value);
    if (problem) throw new UsageError(`scenario '${label}': ${path}.${name} ${problem}`);
  }
}

/** "<value> is out of range; use a..b", or null when the value is allowed. */
function checkValue(name: keyof ScenarioParams, value: unknown): string | null {
  const rule = PARAM_RULES[name];
  if (rule.kind === "enum") {
    return typeof value === "string" && rule.values.includes(value)
      ? null
      : `${JSON.stringify(value)} is not allowed; use one of ${rule.values.join(", ")}`;
  }
  const range = `${rule.min}..${rule.max}`;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return `${JSON.stringify(value)} is not a number; use ${range}`;
  }
  if (rule.integer && !Number.isInteger(value)) {
    return `${value} is not a whole number; use a whole number in ${range}`;
  }
  if (value < rule.min || value > rule.max) return `${value} is out of range; use ${range}`;
  return null;
}

/**
 * Validates fully resolved params (after steps, `--quick` and CLI overrides): every field and
 * the combinations. `where` prefixes the message, e.g. "scenario 'steady'".
 */
export function validateParams(params: ScenarioParams, where: string): void {
  for (const name of PARAM_NAMES) {
    const problem = checkValue(name, params[name]);
    if (problem) throw new UsageError(`${where}: params.${name} ${problem}`);
  }
  const perSec = notificationsPerSec(params);
  if (perSec > MAX_NOTIFICATIONS_PER_SEC) {
    throw new UsageError(
      `${where}: ${perSec} notifications/s (clients ${params.clients} x ratePerSec ${params.ratePerSec}) is more than ${MAX_NOTIFICATIONS_PER_SEC}; lower clients or ratePerSec`,
    );
  }
}

/** Notifications delivered per second across all clients, on average. */
export function notificationsPerSec(params: ScenarioParams): number {
  // per-user: the rate is per user; all-users: each event reaches every client. Same product.
  return params.clients * params.ratePerSec;
}

function numericParams(): string[] {
  return PARAM_NAMES.filter((name) => PARAM_RULES[name].kind === "number");
}

/** Strategies a capacity scenario can drive: the ones with a request/response route. */
export const CAPACITY_STRATEGIES = ["short-polling", "long-polling"] as const;

/**
 * Allowed range of every numeric CapacitySpec field. Durations are whole seconds because
 * autocannon runs, samples and rate-limits in whole seconds.
 */
export const CAPACITY_RULES: {
  readonly [K in "connections" | "saturationMs" | "stepMs" | "p99BoundMs"]: NumberRule & {
    wholeSeconds?: boolean;
  };
} = {
  connections: { kind: "number", min: 1, max: 1_000, integer: true },
  saturationMs: { kind: "number", min: 1_000, max: 60_000, integer: true, wholeSeconds: true },
  stepMs: { kind: "number", min: 1_000, max: 60_000, integer: true, wholeSeconds: true },
  p99BoundMs: { kind: "number", min: 1, max: 10_000, integer: false },
};
/** At most this many entries in stepFractions and intervalsMs. */
export const MAX_CAPACITY_LIST = 10;
/** Range of each intervalsMs entry: 100 ms .. 1 h. */
export const CAPACITY_INTERVAL_RANGE = { min: 100, max: 3_600_000 } as const;

const CAPACITY_FIELDS: readonly (keyof CapacitySpec)[] = [
  "connections",
  "saturationMs",
  "stepMs",
  "stepFractions",
  "p99BoundMs",
  "intervalsMs",
];

/** The capacity spec, its quick overrides and the merged quick spec; strategies polling only. */
function validateCapacity(scenario: Scenario): void {
  const label = scenario.id;
  const fail = (message: string): never => {
    throw new UsageError(`scenario '${label}': ${message}`);
  };
  const spec = scenario.capacity as CapacitySpec;
  if (typeof spec !== "object" || spec === null) fail("capacity must be an object");
  for (const name of CAPACITY_FIELDS) {
    if (!(name in spec)) fail(`capacity.${name} is missing`);
  }
  checkCapacityFields(label, "capacity", spec);
  const quick = scenario.quick.capacity;
  if (quick !== undefined) checkCapacityFields(label, "quick.capacity", quick);
  checkCapacityFields(label, "capacity (quick)", { ...spec, ...quick });
  const polling: readonly string[] = CAPACITY_STRATEGIES;
  if (scenario.strategies === undefined) {
    fail(
      `strategies is missing; a capacity scenario drives request/response routes, so list some of ${CAPACITY_STRATEGIES.join(", ")}`,
    );
  }
  scenario.strategies?.forEach((strategy, i) => {
    if (!polling.includes(strategy)) {
      fail(
        `strategies[${i}] '${strategy}' cannot be driven by a capacity run (no request/response route); use ${CAPACITY_STRATEGIES.join(", ")}`,
      );
    }
  });
}

/** Checks every field present in a (partial) capacity spec; unknown fields are errors too. */
function checkCapacityFields(label: string, path: string, spec: Partial<CapacitySpec>): void {
  const fail = (message: string): never => {
    throw new UsageError(`scenario '${label}': ${path}.${message}`);
  };
  if (typeof spec !== "object" || spec === null) {
    throw new UsageError(`scenario '${label}': ${path} must be an object`);
  }
  for (const [name, value] of Object.entries(spec)) {
    if (!(CAPACITY_FIELDS as readonly string[]).includes(name)) {
      fail(`${name} is not a capacity field; known: ${CAPACITY_FIELDS.join(", ")}`);
    }
    if (name === "stepFractions") {
      checkList(value, `${name}`, fail, (v, where, previous) => {
        if (typeof v !== "number" || !Number.isFinite(v)) {
          return `${where} ${JSON.stringify(v)} is not a number; use a fraction of the saturation rate in (0, 1]`;
        }
        if (!(v > 0 && v <= 1)) {
          return `${where} ${v} is out of range; use a fraction of the saturation rate in (0, 1], e.g. 0.5`;
        }
        if (previous !== undefined && v <= previous) {
          return `${where} ${v} is not above the one before (${previous}); list fractions in ascending order, each once`;
        }
        return null;
      });
      continue;
    }
    if (name === "intervalsMs") {
      const { min, max } = CAPACITY_INTERVAL_RANGE;
      const seen = new Set<number>();
      checkList(value, `${name}`, fail, (v, where) => {
        if (typeof v !== "number" || !Number.isInteger(v)) {
          return `${where} ${JSON.stringify(v)} is not a whole number of ms; use ${min}..${max}`;
        }
        if (v < min || v > max) return `${where} ${v} is out of range; use ${min}..${max}`;
        if (seen.has(v)) return `${where} ${v} is listed twice`;
        seen.add(v);
        return null;
      });
      continue;
    }
    const rule = CAPACITY_RULES[name as keyof typeof CAPACITY_RULES];
    const range = `${rule.min}..${rule.max}`;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      fail(`${name} ${JSON.stringify(value)} is not a number; use ${range}`);
    }
    const n = value as number;
    if (rule.integer && !Number.isInteger(n)) {
      fail(`${name} ${n} is not a whole number; use a whole number in ${range}`);
    }
    if (n < rule.min || n > rule.max) fail(`${name} ${n} is out of range; use ${range}`);
    if (rule.wholeSeconds && n % 1000 !== 0) {
      fail(
        `${name} ${n} is not a whole number of seconds; autocannon runs in whole seconds, use e.g. ${Math.max(1000, Math.round(n / 1000) * 1000)}`,
      );
    }
  }
}

/** A non-empty list of at most MAX_CAPACITY_LIST entries, each checked by `check`. */
function checkList(
  value: unknown,
  name: string,
  fail: (message: string) => never,
  check: (v: unknown, where: string, previous: number | undefined) => string | null,
): void {
  if (!Array.isArray(value) || value.length === 0) {
    fail(`${name} must be a non-empty list`);
  }
  const list = value as unknown[];
  if (list.length > MAX_CAPACITY_LIST) {
    fail(`${name} has ${list.length} entries; use at most ${MAX_CAPACITY_LIST}`);
  }
  list.forEach((v, i) => {
    const previous = i > 0 ? list[i - 1] : undefined;
    const problem = check(v, `${name}[${i}]`, typeof previous === "number" ? previous : undefined);
    if (problem) fail(problem);
  });
}
