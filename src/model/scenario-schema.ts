/**
 * The one definition of a scenario, as a zod schema: the built-in scenarios (scenarios/*.ts,
 * through scenarios/define-scenario.ts), `--scenario-file` files and the published
 * docs/scenario.schema.json (z.toJSONSchema, `npm run scenario-schema`) are all this schema, and
 * the Scenario types (src/model/scenario.ts) are inferred from it. Ranges, units, defaults and
 * descriptions of the parameters come from the table in src/model/param-limits.ts.
 *
 * Two layers of checks: the field rules (types, ranges, enums, unknown keys) live on the fields
 * and so reach the JSON Schema an editor completes against; the rules about combinations (each
 * sweep step and the quick form as they really run, a fault against its run, the plan bounds)
 * are a superRefine over the whole scenario, since no JSON Schema can say them. Every message
 * is "<JSON path>: <value> <what is wrong>; <the fix>" (formatIssue).
 */

import { z } from "zod";
import { deliverySchema } from "./delivery-path-schema.ts";
import { FAULT_KIND_FACTS, FAULT_KINDS, KIND_FIELDS, type KindField } from "./fault-kinds.ts";
import {
  type EnumLimit,
  type EnumParam,
  NUMERIC_PARAMS,
  type NumberLimit,
  type NumericParam,
  PARAM_LIMITS,
  PARAM_NAMES,
  type ParamName,
  PLAN_LIMITS,
  REPEAT_LIMITS,
} from "./param-limits.ts";
import { STRATEGIES } from "./strategies.ts";
import { TARGET_USERS_LIMITS } from "./target-users.ts";

// ---- messages --------------------------------------------------------------------------------

/** A value as a message quotes it: JSON, shortened, never a throw. */
export function show(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? "undefined" : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

type Issue = z.core.$ZodRawIssue;

/** "a..b unit": a number range as messages and descriptions write it. */
function rangeOf(min: number, max: number, unit: string): string {
  return `${min}..${max} (${unit})`;
}

/** One message per way a bounded number can be wrong, naming the value and the fix. */
function numberError(min: number, max: number, unit: string, integer: boolean) {
  const range = rangeOf(min, max, unit);
  return (issue: Issue): string => {
    const value = issue.input;
    if (value === undefined) return `is missing; give ${range}`;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      return `${show(value)} is not a number; use ${range}`;
    }
    if (integer && !Number.isInteger(value)) {
      return `${value} is not a whole number; use a whole number in ${range}`;
    }
    return `${value} is out of range; use ${range}`;
  };
}

/** A number within [min, max] (whole when `integer`), every failure with the message above. */
function boundedNumber(min: number, max: number, unit: string, integer: boolean) {
  const error = numberError(min, max, unit, integer);
  const base = z.number({ error });
  return (integer ? base.int({ error }) : base).min(min, { error }).max(max, { error });
}

function enumError(values: readonly string[]) {
  return (issue: Issue): string =>
    issue.input === undefined
      ? `is missing; use one of ${values.join(", ")}`
      : `${show(issue.input)} is not allowed; use one of ${values.join(", ")}`;
}

/** A strict object: an unknown key is refused with the list of the known ones. */
function strictObject<S extends z.core.$ZodLooseShape>(shape: S, noun: string) {
  const known = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === "unrecognized_keys") return `is not ${noun}; known: ${known}`;
      if (issue.input === undefined) return `is missing; give an object with ${known}`;
      return `${show(issue.input)} is not an object; give an object with ${known}`;
    },
  });
}

/** A non-blank string, with the hint of what to write. */
function text(hint: string) {
  const error = (issue: Issue): string =>
    issue.input === undefined
      ? `is missing; ${hint}`
      : typeof issue.input === "string"
        ? `is empty; ${hint}`
        : `${show(issue.input)} is not a string; ${hint}`;
  return z.string({ error }).regex(/\S/, { error });
}

// ---- parameters ------------------------------------------------------------------------------

/** The description a parameter carries into the JSON Schema and --help: meaning, unit, range, default. */
export function describeParam(name: ParamName, defaultNote?: string): string {
  const limit: NumberLimit | EnumLimit = PARAM_LIMITS[name];
  const fallback = defaultNote ?? `default ${show(limit.default)}`;
  if (limit.kind === "enum") {
    return `${limit.description} One of ${limit.values.join(", ")}; ${fallback}.`;
  }
  const whole = limit.integer ? ", whole numbers" : "";
  return `${limit.description} Unit: ${limit.unit}; ${limit.min}..${limit.max}${whole}; ${fallback}.`;
}

/** The zod type of one parameter field, from its entry in the table. */
type FieldOf<K extends ParamName> = K extends EnumParam
  ? z.ZodEnum<{ [V in (typeof PARAM_LIMITS)[K]["values"][number]]: V }>
  : z.ZodNumber;

type ParamsShape = { [K in ParamName]: FieldOf<K> };

function paramField(name: ParamName): z.ZodType {
  const limit: NumberLimit | EnumLimit = PARAM_LIMITS[name];
  if (limit.kind === "enum") return z.enum(limit.values, { error: enumError(limit.values) });
  return boundedNumber(limit.min, limit.max, limit.unit, limit.integer);
}

const PARAMS_SHAPE = Object.fromEntries(
  PARAM_NAMES.map((name) => [name, paramField(name).describe(describeParam(name))]),
) as unknown as ParamsShape;

/** Every parameter given: what one run uses once steps, `--quick` and flags are applied. */
export const resolvedParamsSchema = strictObject(PARAMS_SHAPE, "a parameter");

/** Some parameters: a step's overrides, the quick form's, a flag's. */
export const paramOverridesSchema = resolvedParamsSchema.partial();

/**
 * The drain a scenario gets when it leaves `drainMs` out: the table's default, or one
 * short-polling wait (interval + jitter) plus 1 s for the round trip when that is longer, so a
 * slow poll interval never makes late notifications count as lost.
 */
export function drainDefaultMs(shortPollIntervalMs: number, jitterRatio: number): number {
  return Math.max(
    PARAM_LIMITS.drainMs.default,
    Math.ceil(shortPollIntervalMs * (1 + jitterRatio)) + 1_000,
  );
}

const DRAIN_DEFAULT_NOTE = `default ${PARAM_LIMITS.drainMs.default} ms or one short-polling wait (interval x (1 + jitter)) + 1000 ms, whichever is longer`;

/** A scenario's base params: every field optional, defaults from the table. */
const paramsWithDefaultsSchema = strictObject(
  Object.fromEntries(
    PARAM_NAMES.map((name) => {
      const field = PARAMS_SHAPE[name] as z.ZodType;
      if (name === "drainMs") {
        return [name, field.optional().describe(describeParam(name, DRAIN_DEFAULT_NOTE))];
      }
      return [name, field.default(PARAM_LIMITS[name].default)];
    }),
  ) as unknown as { [K in ParamName]: z.ZodOptional<FieldOf<K>> },
  "a parameter",
).transform((params) => {
  const full = params as Partial<ScenarioParamsOut>;
  const shortPollIntervalMs = full.shortPollIntervalMs ?? PARAM_LIMITS.shortPollIntervalMs.default;
  const jitterRatio = full.jitterRatio ?? PARAM_LIMITS.jitterRatio.default;
  return {
    ...full,
    drainMs: full.drainMs ?? drainDefaultMs(shortPollIntervalMs, jitterRatio),
  } as ScenarioParamsOut;
});

type ScenarioParamsOut = z.output<typeof resolvedParamsSchema>;

/** Every parameter at its default: what a scenario that gives no params runs with. */
export const DEFAULT_PARAMS: ScenarioParamsOut = paramsWithDefaultsSchema.parse({});

/**
 * The `--quick` phases every simulated-user scenario starts from: a smoke run of the whole
 * pipeline, not a measurement. Sized so all scenarios x all strategies fit in under a minute
 * including about 1.5 s of server start/stop per run (src/plan/resolve-runs.test.ts). The
 * 250 ms polling keeps the short drain covering the longest wait (interval + 10 % + a round trip).
 */
export const STANDARD_QUICK_PARAMS = {
  clients: 20,
  rampMs: 100,
  warmupMs: 100,
  durationMs: 1_000,
  drainMs: 350,
  shortPollIntervalMs: 250,
  longPollHoldMs: 1_000,
} as const satisfies Partial<ScenarioParamsOut>;

// ---- sweeps, capacity, faults ------------------------------------------------------------------

const stepSchema = strictObject(
  {
    label: text("give a short tick label such as '1,000 clients'")
      .optional()
      .describe("Tick label for tables and charts, e.g. '1/s'; default: the value."),
    value: z
      .number({ error: (issue) => `${show(issue.input)} is not a number; give the swept value` })
      .describe("The swept parameter's value, in that parameter's unit (the chart's x)."),
    overrides: paramOverridesSchema
      .optional()
      .describe(
        "Parameters this step changes; the swept one defaults to `value` (and must equal it when given).",
      ),
  },
  "a step field",
);

const sweepSchema = strictObject(
  {
    parameter: z
      .enum(NUMERIC_PARAMS as [NumericParam, ...NumericParam[]], {
        error: (issue) =>
          `${show(issue.input)} is not a numeric parameter; use one of ${NUMERIC_PARAMS.join(", ")}`,
      })
      .describe("The numeric parameter the steps vary."),
    axisTitle: text("give the axis title with its unit, e.g. 'clients'")
      .optional()
      .describe("Axis title with unit; default: the parameter and its unit."),
    steps: z
      .array(stepSchema, { error: () => "must be a list of steps" })
      .min(1, { error: () => "is empty; a sweep needs at least one step" })
      .describe("One run per strategy per step, in this order."),
  },
  "a sweep field",
);

/** Strategies a capacity scenario can drive: the ones with a request/response route. */
export const CAPACITY_STRATEGIES = ["short-polling", "long-polling"] as const;
/** At most this many entries in stepFractions and intervalsMs. */
export const MAX_CAPACITY_LIST = 10;
/** Range of each intervalsMs entry: 100 ms .. 1 h. */
export const CAPACITY_INTERVAL_RANGE = { min: 100, max: 3_600_000 } as const;

/** autocannon runs, samples and rate-limits in whole seconds. */
function wholeSecondsMs(min: number, max: number, what: string) {
  return boundedNumber(min, max, "ms", true)
    .refine((ms) => ms % 1000 === 0, {
      error: (issue) =>
        `${show(issue.input)} is not a whole number of seconds; autocannon runs in whole seconds, use e.g. ${Math.max(1000, Math.round(Number(issue.input) / 1000) * 1000)}`,
    })
    .describe(`${what} Unit: ms, whole seconds; ${min}..${max}.`);
}

function capacityList(item: z.ZodNumber, what: string) {
  return z
    .array(item, { error: () => `must be a list (${what})` })
    .min(1, { error: () => `must be a non-empty list (${what})` })
    .max(MAX_CAPACITY_LIST, {
      error: (issue) =>
        `has ${Array.isArray(issue.input) ? issue.input.length : "too many"} entries; use at most ${MAX_CAPACITY_LIST}`,
    });
}

const capacityShape = {
  connections: boundedNumber(1, 1_000, "connections", true).describe(
    "autocannon connections, closed loop and steps alike. 1..1000.",
  ),
  saturationMs: wholeSecondsMs(1_000, 60_000, "Length of the closed-loop run to saturation."),
  stepMs: wholeSecondsMs(1_000, 60_000, "Length of each rate-limited step."),
  stepFractions: capacityList(
    z
      .number({
        error: (issue) =>
          `${show(issue.input)} is not a number; use a fraction of the saturation rate in (0, 1]`,
      })
      .gt(0, {
        error: (issue) =>
          `${show(issue.input)} is out of range; use a fraction of the saturation rate in (0, 1], e.g. 0.5`,
      })
      .max(1, {
        error: (issue) =>
          `${show(issue.input)} is out of range; use a fraction of the saturation rate in (0, 1], e.g. 0.5`,
      }),
    "fractions of the saturation rate",
  )
    .superRefine((list, ctx) => {
      list.forEach((v, i) => {
        const previous = list[i - 1];
        if (previous !== undefined && v <= previous) {
          ctx.addIssue({
            code: "custom",
            path: [i],
            input: v,
            message: `${v} is not above the one before (${previous}); list fractions in ascending order, each once`,
          });
        }
      });
    })
    .describe(
      "Rate-limited steps as ascending fractions of the saturation rate, e.g. [0.25, 0.5].",
    ),
  p99BoundMs: boundedNumber(1, 10_000, "ms", false).describe(
    "A step counts as sustained when its p99 stays under this. Unit: ms; 1..10000.",
  ),
  intervalsMs: capacityList(
    boundedNumber(CAPACITY_INTERVAL_RANGE.min, CAPACITY_INTERVAL_RANGE.max, "ms", true),
    "short-polling intervals in ms",
  )
    .superRefine((list, ctx) => {
      list.forEach((v, i) => {
        if (list.indexOf(v) !== i) {
          ctx.addIssue({ code: "custom", path: [i], input: v, message: `${v} is listed twice` });
        }
      });
    })
    .describe("Short-polling intervals to derive 'clients one server process can serve' for, ms."),
};

const capacitySchema = strictObject(capacityShape, "a capacity field");

/** Shortest pre-fault baseline: the rates extra requests and bytes are judged against. */
export const MIN_FAULT_BASELINE_MS = 1_000;

function wholeAtLeast(min: number, unit: string) {
  const error = (issue: Issue): string =>
    issue.input === undefined
      ? `is missing; give a whole number >= ${min} (${unit})`
      : `${show(issue.input)} must be a whole number >= ${min} (${unit})`;
  return z.number({ error }).int({ error }).min(min, { error });
}

const faultShape = {
  kind: z
    .enum(FAULT_KINDS, {
      error: (issue) =>
        issue.input === undefined
          ? `is missing; use one of ${FAULT_KINDS.join(", ")}`
          : `${show(issue.input)} is unknown; use one of ${FAULT_KINDS.join(", ")}`,
    })
    .describe("The fault injected once into the measured window (docs/methodology.md, Faults)."),
  atMs: wholeAtLeast(MIN_FAULT_BASELINE_MS, "ms").describe(
    `When the fault starts, ms after the window opened (the pre-fault baseline); >= ${MIN_FAULT_BASELINE_MS}.`,
  ),
  durationMs: wholeAtLeast(0, "ms").describe(
    "How long the fault lasts, ms; 0 for server-restart and instance-failover.",
  ),
  clientShare: z
    .number({
      error: (issue) => `${show(issue.input)} must be a number in (0, 1] (share of the clients)`,
    })
    .gt(0, { error: (issue) => `${show(issue.input)} must be a number in (0, 1]` })
    .max(1, { error: (issue) => `${show(issue.input)} must be a number in (0, 1]` })
    .optional()
    .describe(
      "Share of the clients the fault is aimed at, (0, 1] (slow-consumer, history-trimmed).",
    ),
  slowReadBytesPerSec: wholeAtLeast(1, "bytes per second")
    .optional()
    .describe("slow-consumer: bytes per second a slow client reads. Unit: bytes/s; >= 1."),
  keepHistory: wholeAtLeast(0, "notifications")
    .optional()
    .describe("history-trimmed: notifications kept per away user. >= 0."),
  historyMaxLen: wholeAtLeast(1, "notifications")
    .optional()
    .describe("Notifications kept per user stream for this run; default 1000."),
  serverArgs: z
    .array(z.string({ error: () => "must be a list of strings (npm run server flags)" }), {
      error: () => "must be a list of strings (npm run server flags)",
    })
    .optional()
    .describe("Extra `npm run server` flags for the runs of this fault."),
};

/** A fault spec, field rules only (faultProblems adds the rules against its run). */
export const faultSchema = strictObject(faultShape, "a fault field");

const quickSchema = strictObject(
  {
    params: paramOverridesSchema.optional().describe(
      `Parameters for --quick, applied on top of the standard quick phases (${Object.entries(
        STANDARD_QUICK_PARAMS,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}; capacity scenarios: none).`,
    ),
    steps: z
      .array(stepSchema, { error: () => "must be a list of steps" })
      .min(1, { error: () => "is empty; give at least one step or leave quick.steps out" })
      .optional()
      .describe("Replacement sweep steps for --quick (fewer, smaller)."),
    capacity: strictObject(capacityShape, "a capacity field")
      .partial()
      .optional()
      .describe("Overrides of the capacity spec for --quick."),
    fault: strictObject(faultShape, "a fault field")
      .partial()
      .optional()
      .describe("Overrides of the fault spec for --quick (e.g. a shorter outage)."),
  },
  "a quick field",
);

const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

// ---- the scenario ---------------------------------------------------------------------------

const scenarioObject = strictObject(
  {
    id: z
      .string({ error: (issue) => (issue.input === undefined ? "is missing" : "must be a string") })
      .regex(ID_PATTERN, {
        error: (issue) =>
          `${show(issue.input)} is not kebab-case; use lowercase letters, digits and dashes, e.g. 'chat-badge'`,
      })
      .describe("kebab-case id, used on the CLI (--scenario) and in results."),
    description: text("say in one sentence what question the scenario answers").describe(
      "One sentence: the question this scenario answers.",
    ),
    params: paramsWithDefaultsSchema
      .prefault({})
      .describe("The workload; every field left out takes its default."),
    sweep: sweepSchema.optional().describe("A sweep: one run per step per strategy."),
    capacity: capacitySchema
      .optional()
      .describe("A capacity scenario: autocannon drives the polling routes instead of users."),
    fault: faultSchema.optional().describe("A fault injected into every run of the scenario."),
    defaultSuite: z
      .boolean({ error: () => "must be true or false" })
      .optional()
      .describe("false keeps the scenario out of the default suite; default true."),
    defaultRepeat: boundedNumber(REPEAT_LIMITS.min, REPEAT_LIMITS.max, "repetitions", true)
      .optional()
      .describe(
        `Repetitions per step x strategy when --repeat is not given (full-size runs); ${REPEAT_LIMITS.min}..${REPEAT_LIMITS.max}, default 1.`,
      ),
    strategies: z
      .array(z.enum(STRATEGIES, { error: enumError(STRATEGIES) }), {
        error: () => `must be a list of strategies (${STRATEGIES.join(", ")})`,
      })
      .min(1, {
        error: () => `is empty; leave it out for all (${STRATEGIES.join(", ")}) or list some`,
      })
      .optional()
      .describe("Strategies this scenario applies to; default all."),
    delivery: deliverySchema
      .optional()
      .describe(
        "The delivery path the runs need (proxy, TLS, HTTP/2) and variants of it, each run as a step.",
      ),
    targetUsers: boundedNumber(TARGET_USERS_LIMITS.min, TARGET_USERS_LIMITS.max, "users", true)
      .optional()
      .describe(
        `The user count the report's "At N users" estimate is for (what --target-users sets); ${TARGET_USERS_LIMITS.min}..${TARGET_USERS_LIMITS.max}, default 100000. --target-users wins over it.`,
      ),
    quick: quickSchema.default({}).describe("The --quick form: seconds, few clients."),
  },
  "a scenario field",
);

/** The per-field parse, with the defaults of labels, overrides and the quick form filled in. */
const filledScenario = scenarioObject.transform((raw) => {
  const parameter = raw.sweep?.parameter;
  const fillSteps = (steps: z.output<typeof stepSchema>[]) =>
    steps.map((step) => ({
      label: step.label ?? String(step.value),
      value: step.value,
      overrides:
        parameter === undefined || step.overrides?.[parameter] !== undefined
          ? { ...step.overrides }
          : { ...step.overrides, [parameter]: step.value },
    }));
  const limit = parameter === undefined ? undefined : PARAM_LIMITS[parameter];
  const { sweep, quick, ...rest } = raw;
  const { steps: quickSteps, params: quickParams, ...quickRest } = quick;
  const filledSweep =
    sweep && parameter !== undefined
      ? {
          parameter,
          axisTitle: sweep.axisTitle ?? `${parameter} (${limit?.unit ?? ""})`,
          steps: fillSteps(sweep.steps),
        }
      : undefined;
  return {
    ...rest,
    ...(filledSweep ? { sweep: filledSweep } : {}),
    quick: {
      ...quickRest,
      // Capacity runs have no users and no phases: their quick form is quick.capacity.
      params: {
        ...(raw.capacity ? {} : STANDARD_QUICK_PARAMS),
        ...quickParams,
      } as Partial<Params0>,
      ...(quickSteps ? { steps: fillSteps(quickSteps) } : {}),
    },
  };
});

type Params0 = z.output<typeof resolvedParamsSchema>;

/** A parsed scenario: what the planner reads. */
export type ParsedScenario = z.output<typeof filledScenario>;
type Params = ParsedScenario["params"];
type Step = NonNullable<ParsedScenario["sweep"]>["steps"][number];
type Fault = NonNullable<ParsedScenario["fault"]>;

/** A problem of a combination: where it is (JSON path inside the scenario) and what it is. */
export interface Problem {
  path: (string | number)[];
  message: string;
}

// ---- how a scenario's layers combine ---------------------------------------------------------

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
export function stepsFor(scenario: ParsedScenario, quick: boolean): readonly (Step | null)[] {
  if (!scenario.sweep) return [null];
  return quick ? (scenario.quick.steps ?? scenario.sweep.steps) : scenario.sweep.steps;
}

/** The params of one step (or of the scenario itself when `step` is null), before CLI overrides. */
export function paramsFor(scenario: ParsedScenario, step: Step | null, quick: boolean): Params {
  const overrides = step?.overrides ?? {};
  if (!quick) return { ...scenario.params, ...overrides };
  const quickSteps = scenario.quick.steps;
  if (step && quickSteps?.includes(step)) {
    return { ...scenario.params, ...scenario.quick.params, ...overrides };
  }
  const params: Params = { ...scenario.params, ...overrides, ...scenario.quick.params };
  const parameter = scenario.sweep?.parameter;
  if (step && parameter !== undefined && step.overrides[parameter] !== undefined) {
    Object.assign(params, { [parameter]: step.overrides[parameter] });
  }
  return params;
}

// ---- rules about combinations ----------------------------------------------------------------

/** Notifications delivered per second across all clients, on average. */
export function notificationsPerSec(params: Params): number {
  // per-user: the rate is per user; all-users: each event reaches every client. Same product.
  return params.clients * params.ratePerSec;
}

/** What is wrong with fully resolved params: each field, then the plan bound on the total rate. */
export function paramsProblems(params: unknown): Problem[] {
  const parsed = resolvedParamsSchema.safeParse(params, { reportInput: true });
  if (!parsed.success) return parsed.error.issues.map(problemOf);
  const perSec = notificationsPerSec(parsed.data);
  const max = PLAN_LIMITS.notificationsPerSec.max;
  if (perSec > max) {
    return [
      {
        path: [],
        message: `${perSec} notifications/s (clients ${parsed.data.clients} x ratePerSec ${parsed.data.ratePerSec}) is more than ${max}; lower clients or ratePerSec`,
      },
    ];
  }
  return [];
}

/** The kinds that read `field`, in FAULT_KINDS order: "a", "a and b", "a, b and c". */
function kindsReading(field: KindField): string {
  const kinds = FAULT_KINDS.filter((kind) => FAULT_KIND_FACTS[kind].fields[field] !== undefined);
  const last = kinds.pop() ?? "no kind";
  return kinds.length > 0 ? `${kinds.join(", ")} and ${last}` : last;
}

/**
 * What is wrong with `fault` injected into a run with `params` (paths relative to the fault):
 * the kind's duration rule and fields (FAULT_KIND_FACTS), room for recovery in the window, the
 * instances it needs. The same rules run again in the planner after flags changed the run.
 */
export function faultProblems(fault: Fault, params: Params): Problem[] {
  const problems: Problem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });
  const facts = FAULT_KIND_FACTS[fault.kind];
  if (facts.duration === "instant" && fault.durationMs !== 0) {
    add(
      ["durationMs"],
      `${fault.durationMs} must be 0 for ${fault.kind} (the fault ends when the process is gone)`,
    );
  }
  if (facts.duration === "lasting" && fault.durationMs === 0) {
    add(["durationMs"], `0 must be > 0 for ${fault.kind} (how long the fault lasts, ms)`);
  }
  // The fault must be over inside the window, with at least a second left to see recovery start.
  if (fault.atMs + fault.durationMs + 1_000 > params.durationMs) {
    add(
      ["atMs"],
      `the fault (atMs ${fault.atMs} + durationMs ${fault.durationMs}) must end at least 1000 ms before the window ends (durationMs ${params.durationMs}); lengthen the window or move the fault earlier`,
    );
  }
  for (const field of KIND_FIELDS) {
    const rule = facts.fields[field];
    const value = fault[field];
    if (rule === undefined) {
      if (value !== undefined) add([field], `applies only to ${kindsReading(field)}`);
    } else if (value === undefined) {
      add(
        [field],
        rule.type === "whole"
          ? `is missing; ${fault.kind} needs a whole number >= ${rule.min}`
          : `is missing; ${fault.kind} needs a share of the clients in (0, 1]`,
      );
    } else if (rule.type === "whole" && value < rule.min) {
      add([field], `${value} must be a whole number >= ${rule.min}`);
    } else if (rule.type === "client-share" && Math.round(value * params.clients) < 1) {
      add([field], `${value} of ${params.clients} clients targets nobody; raise one of them`);
    }
  }
  if (params.instances < facts.minInstances) {
    add(
      [],
      `${fault.kind} needs at least ${facts.minInstances} instances (got ${params.instances}); drop --instances or give ${facts.minInstances} or more`,
    );
  }
  return problems;
}

/** The rules about combinations, over a per-field-valid scenario. */
function scenarioProblems(scenario: ParsedScenario): Problem[] {
  const problems: Problem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });
  const within = (prefix: (string | number)[], list: Problem[]) => {
    for (const problem of list) add([...prefix, ...problem.path], problem.message);
  };
  scenario.strategies?.forEach((strategy, i) => {
    if (scenario.strategies?.indexOf(strategy) !== i) {
      add(["strategies", i], `lists '${strategy}' twice; give each strategy once`);
    }
  });
  const { quick } = scenario;
  if (quick.steps !== undefined && !scenario.sweep) {
    add(["quick", "steps"], "is given but the scenario has no sweep; drop it or add a sweep");
  }
  if (quick.capacity !== undefined && !scenario.capacity) {
    add(["quick", "capacity"], "is given but the scenario has no capacity spec; drop it");
  }
  if (quick.fault !== undefined && !scenario.fault) {
    add(["quick", "fault"], "is given but the scenario has no fault; drop it");
  }
  if (scenario.fault && (scenario.sweep || scenario.capacity)) {
    add(["fault"], "a fault scenario cannot also be a sweep or a capacity scenario; split it");
  }
  if (scenario.capacity) {
    const polling: readonly string[] = CAPACITY_STRATEGIES;
    if (scenario.strategies === undefined) {
      add(
        ["strategies"],
        `is missing; a capacity scenario drives request/response routes, so list some of ${CAPACITY_STRATEGIES.join(", ")}`,
      );
    }
    scenario.strategies?.forEach((strategy, i) => {
      if (!polling.includes(strategy)) {
        add(
          ["strategies", i],
          `'${strategy}' cannot be driven by a capacity run (no request/response route); use ${CAPACITY_STRATEGIES.join(", ")}`,
        );
      }
    });
  }
  const sweep = scenario.sweep;
  if (sweep) {
    for (const [where, steps] of [
      ["sweep", sweep.steps],
      ["quick", quick.steps ?? []],
    ] as const) {
      const labels = new Set<string>();
      steps.forEach((step, i) => {
        if (labels.has(step.label)) {
          add(
            [where, "steps", i, "label"],
            `'${step.label}' is used twice; give each step its own`,
          );
        }
        labels.add(step.label);
        const swept = step.overrides[sweep.parameter];
        if (swept !== step.value) {
          add(
            [where, "steps", i, "value"],
            `${step.value} differs from overrides.${sweep.parameter} ${show(swept)}; make them equal`,
          );
        }
      });
    }
  }
  if (problems.length > 0) return problems;
  // Each run as it will really run, full-size and quick.
  for (const isQuick of [false, true]) {
    const steps = stepsFor(scenario, isQuick);
    steps.forEach((step, i) => {
      const params = paramsFor(scenario, step, isQuick);
      const path: (string | number)[] = step
        ? [isQuick && quick.steps ? "quick" : "sweep", "steps", i]
        : [isQuick ? "quick" : "params"];
      const label = `${isQuick ? " (in --quick)" : ""}`;
      for (const problem of paramsProblems(params)) {
        add(
          [...path, ...(step ? ["overrides"] : []), ...problem.path],
          `${problem.message}${label}`,
        );
      }
      if (scenario.fault) {
        const fault = { ...scenario.fault, ...(isQuick ? quick.fault : {}) };
        within(
          isQuick && quick.fault ? ["quick", "fault"] : ["fault"],
          faultProblems(fault, params),
        );
      }
    });
  }
  return problems;
}

/** One scenario: the fields, their defaults filled, then the rules about combinations. */
export const scenarioSchema = filledScenario.superRefine((scenario, ctx) => {
  for (const problem of scenarioProblems(scenario)) {
    ctx.addIssue({
      code: "custom",
      path: problem.path,
      message: problem.message,
      input: undefined,
    });
  }
});

/** The input form: what a scenario file's entry (and a built-in definition) holds. */
export type ScenarioDefinition = z.input<typeof scenarioSchema>;

/** A scenario file: `{ "scenarios": [ ... ] }`, each entry the shape of a built-in scenario. */
export const scenarioFileSchema = strictObject(
  {
    $schema: z
      .string({ error: () => "must be a string (the schema's path or URL)" })
      .optional()
      .describe("Path or URL of this schema, for editor completion."),
    scenarios: z
      .array(scenarioSchema, { error: () => "must be a list of scenarios" })
      .min(1, { error: () => "is empty; give at least one scenario" })
      .describe("The scenarios, in the order they run."),
  },
  "a scenario-file field",
).superRefine((file, ctx) => {
  file.scenarios.forEach((scenario, i) => {
    if (file.scenarios.findIndex((s) => s.id === scenario.id) !== i) {
      ctx.addIssue({
        code: "custom",
        path: ["scenarios", i, "id"],
        message: `'${scenario.id}' is used twice in this file; give each scenario its own id`,
        input: scenario.id,
      });
    }
  });
});

// ---- reading a zod error ---------------------------------------------------------------------

/** `scenarios[0].params.ratePerSec` from ["scenarios", 0, "params", "ratePerSec"]. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`))
    .join("");
}

function problemOf(issue: z.core.$ZodIssue): Problem {
  const path = [...issue.path] as (string | number)[];
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "?";
    const more = issue.keys.length > 1 ? ` (and ${issue.keys.slice(1).join(", ")})` : "";
    return { path: [...path, key], message: `${issue.message}${more}` };
  }
  if (issue.code === "invalid_type" && issue.message.startsWith("Invalid input")) {
    const input = (issue as { input?: unknown }).input;
    return {
      path,
      message:
        input === undefined
          ? `is missing`
          : `${show(input)} is not ${issue.expected}; fix its type`,
    };
  }
  return { path, message: issue.message };
}

/** The first problem of a failed parse as one line: "<path>: <message>". */
export function formatIssue(issue: z.core.$ZodIssue, prefix: (string | number)[] = []): string {
  const problem = problemOf(issue);
  return formatProblem({ path: [...prefix, ...problem.path], message: problem.message });
}

export function formatProblem(problem: Problem): string {
  const path = formatPath(problem.path);
  return path === "" ? problem.message : `${path}: ${problem.message}`;
}

/** Parses `input` with `schema`: the data, or the first problem as one line. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: (string | number)[] = [],
): { ok: true; data: z.output<S> } | { ok: false; message: string } {
  const parsed = schema.safeParse(input, { reportInput: true });
  if (parsed.success) return { ok: true, data: parsed.data };
  // The first problem only: one line the user fixes, then the next shows up.
  const first = parsed.error.issues[0];
  return { ok: false, message: first ? formatIssue(first, prefix) : "is not valid" };
}
