/**
 * The one table of what a run may be: every ScenarioParams field's range, unit, default and
 * meaning, and the bounds on a whole plan. The scenario schema (src/model/scenario-schema.ts,
 * and so the ScenarioParams type, the scenario-file validator and docs/scenario.schema.json),
 * the safety bounds (src/plan/safety.ts), the `npm run bench` flag ranges and help text
 * (src/cli/bench-options.ts) and the results schema (src/model/results-schema.ts) all
 * read it, so a limit is changed here once. The limits keep one run sane on a 2-core laptop.
 * A new entry here is a new parameter: the schema and the type follow from it.
 */

/**
 * A `npm run bench` flag that sets this parameter in every run. `min`/`max` are given only
 * where the flag's range differs on purpose from the field's, and `why` says why.
 */
export interface ParamFlag {
  readonly name: `--${string}`;
  /** How the flag's value is written: a plain number, a duration (500ms, 5s), a size (2KiB), a rate (1/min). */
  readonly syntax?: "number" | "duration" | "size" | "rate";
  readonly min?: number;
  readonly max?: number;
  readonly why?: string;
}

export interface NumberLimit {
  readonly kind: "number";
  readonly min: number;
  readonly max: number;
  /** Whole numbers only. */
  readonly integer: boolean;
  /** What one unit of the value is, e.g. "ms", "bytes", "notifications per user per second". */
  readonly unit: string;
  /** One line: what the parameter means (for --help and a published JSON Schema). */
  readonly description: string;
  /** The value a scenario file gets when it leaves the field out. */
  readonly default: number;
  readonly flag?: ParamFlag;
}

export interface EnumLimit<V extends string = string> {
  readonly kind: "enum";
  /** Every allowed value, in the order messages list them. */
  readonly values: readonly [V, ...V[]];
  /** One line: what the parameter means (for --help and a published JSON Schema). */
  readonly description: string;
  /** The value a scenario file gets when it leaves the field out. */
  readonly default: V;
  readonly flag?: Pick<ParamFlag, "name">;
}

/**
 * Allowed range, unit, default and meaning of every parameter, in ScenarioParams order. The
 * defaults are the steady scenario's everyday workload (scenarios/steady.ts): what a scenario
 * file that gives only its own numbers runs with.
 */
export const PARAM_LIMITS = {
  clients: {
    kind: "number",
    min: 1,
    // Above 10,000 a run needs --driver-workers and --instances: PLAN_LIMITS.clientsPerProcess.
    max: 40_000,
    integer: true,
    unit: "clients",
    description: "Simulated clients, one per user id.",
    default: 1_000,
    flag: { name: "--clients" },
  },
  ratePerSec: {
    kind: "number",
    min: 0,
    max: 100,
    integer: false,
    unit: "notifications per user per second",
    description:
      "Publish rate: per user (per-user fanout) or publish events to every user (all-users); 0 = none.",
    default: 0.1,
    flag: { name: "--rate", syntax: "rate" },
  },
  publishModel: {
    kind: "enum",
    values: ["poisson", "fixed"],
    description:
      "How publish times are spaced: poisson (random gaps) or fixed (even gaps); open-model either way.",
    default: "poisson",
    flag: { name: "--publish-model" },
  },
  fanout: {
    kind: "enum",
    values: ["per-user", "all-users"],
    description:
      "Who receives one publish event: one user, round-robin (per-user), or every user at once (all-users).",
    default: "per-user",
    flag: { name: "--fanout" },
  },
  shortPollIntervalMs: {
    kind: "number",
    min: 10,
    max: 60_000,
    integer: true,
    unit: "ms",
    description: "Short polling: wait between one poll's answer and the next poll (jittered).",
    default: 1_000,
    flag: { name: "--poll-interval", syntax: "duration" },
  },
  jitterRatio: {
    kind: "number",
    min: 0,
    max: 1,
    integer: false,
    unit: "ratio",
    description: "Relative jitter on the short-polling interval (0.1 = +/-10 %).",
    default: 0.1,
    flag: { name: "--jitter" },
  },
  longPollHoldMs: {
    kind: "number",
    min: 100,
    // The servers' own `timeoutMs` bound (servers/request-validation.ts MAX_TIMEOUT_MS).
    max: 120_000,
    integer: true,
    unit: "ms",
    description: "Long polling: the hold the client asks for (the timeoutMs query parameter).",
    // 25 s: a common production value just under the 30 s idle timeout of many proxies.
    default: 25_000,
    flag: { name: "--hold", syntax: "duration" },
  },
  rampMs: {
    kind: "number",
    min: 0,
    max: 60_000,
    integer: true,
    unit: "ms",
    description: "Time over which the clients connect, evenly spaced.",
    default: 2_000,
    flag: { name: "--ramp", syntax: "duration" },
  },
  warmupMs: {
    kind: "number",
    min: 0,
    max: 60_000,
    integer: true,
    unit: "ms",
    description: "Publishing before the measured window; nothing in it is measured.",
    default: 2_000,
    flag: { name: "--warmup", syntax: "duration" },
  },
  durationMs: {
    kind: "number",
    min: 100,
    max: 600_000,
    integer: true,
    unit: "ms",
    description: "The measured window.",
    default: 12_000,
    flag: {
      name: "--duration",
      syntax: "duration",
      min: 1_000,
      why: "scenario quick forms may measure sub-second windows; a window the user asks for is at least 1 s",
    },
  },
  drainMs: {
    kind: "number",
    min: 0,
    max: 60_000,
    integer: true,
    unit: "ms",
    description: "After publishing stops: the longest wait for every expected notification.",
    // A scenario file that leaves drainMs out gets max(this, one short-polling wait + 1 s):
    // see drainDefaultMs in src/model/scenario-schema.ts.
    default: 2_000,
    flag: { name: "--drain", syntax: "duration" },
  },
  payloadBytes: {
    kind: "number",
    min: 0,
    max: 65_536,
    integer: true,
    unit: "bytes",
    description: "Size of each notification's message text.",
    default: 200,
    flag: { name: "--payload-bytes", syntax: "size" },
  },
  instances: {
    kind: "number",
    min: 1,
    // Each instance is a Node process with its own core share; more than 8 on a laptop
    // measures the scheduler, not the strategy.
    max: 8,
    integer: true,
    unit: "server processes",
    description: "Server processes of the strategy on the one Redis; clients spread over them.",
    default: 1,
    flag: { name: "--instances" },
  },
} as const satisfies Readonly<Record<string, NumberLimit | EnumLimit>>;

/** A parameter's name: a key of the table (and so of ScenarioParams). */
export type ParamName = keyof typeof PARAM_LIMITS;

/** Every parameter name, in ScenarioParams order. */
export const PARAM_NAMES = Object.keys(PARAM_LIMITS) as ParamName[];

/** The parameters with a number range. */
export type NumericParam = {
  [K in ParamName]: (typeof PARAM_LIMITS)[K]["kind"] extends "number" ? K : never;
}[ParamName];

/** The parameters with a list of values. */
export type EnumParam = Exclude<ParamName, NumericParam>;

/** The numeric parameters, in table order (what a sweep may vary). */
export const NUMERIC_PARAMS = PARAM_NAMES.filter(
  (name): name is NumericParam => PARAM_LIMITS[name].kind === "number",
);

/** How publish times are spaced. Both are open-model: the schedule never waits for delivery. */
export type PublishModel = (typeof PARAM_LIMITS.publishModel.values)[number];

/**
 * Who receives one publish event: per-user = one user, round-robin, so every user gets the
 * same rate; all-users = one notification to every user at the same intended time.
 */
export type Fanout = (typeof PARAM_LIMITS.fanout.values)[number];

/** The range of the flag that sets `param`: the field's own, unless the entry says otherwise. */
export function flagRange(param: NumericParam): { min: number; max: number } {
  const limit: NumberLimit = PARAM_LIMITS[param];
  return { min: limit.flag?.min ?? limit.min, max: limit.flag?.max ?? limit.max };
}

/** A bound on a combination of parameters or on a whole plan. */
export interface PlanLimit {
  readonly max: number;
  readonly unit: string;
  /** One line: what is bounded and why. */
  readonly description: string;
}

/**
 * Bounds no single field can express. They sit here, next to the field limits, because they
 * are the same kind of fact (a number, a unit, a reason), two files read the first one, and a
 * reader sees at once that the fields' own maxima multiply past them on purpose (10,000
 * clients x 100/s): the combination is refused, not each field.
 */
/**
 * Repetitions per scenario step x strategy (`--repeat`, a scenario's `defaultRepeat`):
 * 20 is already a long, rarely useful bench.
 */
export const REPEAT_LIMITS = { min: 1, max: 20, unit: "repetitions" } as const;

export const PLAN_LIMITS = {
  notificationsPerSec: {
    max: 20_000,
    unit: "notifications per second",
    description:
      "Notifications across all users in one run (clients x ratePerSec); above it driver and server measure their own saturation.",
  },
  requestsPerSec: {
    max: 20_000,
    unit: "requests per second",
    description:
      "HTTP requests one run implies per driver process (short polling: clients / interval; long polling: clients / hold + deliveries); above it the driver floods any server.",
  },
  clientsPerProcess: {
    max: 10_000,
    unit: "clients",
    description:
      "Clients per driver process and per server process of ours: each holds a socket per client, under the 20,000 file descriptors a process may open here (ulimit -n); more clients need --driver-workers and --instances.",
  },
  planMs: {
    max: 60 * 60_000,
    unit: "ms",
    description: "Estimated wall time of the whole plan; longer is a mistake, not a benchmark.",
  },
} as const satisfies Readonly<Record<string, PlanLimit>>;
