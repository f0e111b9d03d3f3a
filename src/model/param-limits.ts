/**
 * The one table of what a run may be: every ScenarioParams field's range, unit and meaning,
 * and the bounds on a whole plan. The scenario validators (src/plan/validate-scenario.ts), the
 * safety bounds (src/plan/safety.ts), the `npm run bench` flag ranges and help text
 * (src/cli/bench-options.ts) and the results validator (src/results/validate-results.ts) all
 * read it, so a limit is changed here once. The limits keep one run sane on a 2-core laptop.
 */
import type { Fanout, PublishModel, ScenarioParams } from "./scenario.ts";

/**
 * A `npm run bench` flag that sets this parameter in every run. `min`/`max` are given only
 * where the flag's range differs on purpose from the field's, and `why` says why.
 */
export interface ParamFlag {
  readonly name: `--${string}`;
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
  readonly flag?: ParamFlag;
}

export interface EnumLimit<V extends string = string> {
  readonly kind: "enum";
  /** Every allowed value, in the order messages list them. */
  readonly values: readonly V[];
  /** One line: what the parameter means (for --help and a published JSON Schema). */
  readonly description: string;
}

/** The limit of one field: an enum for string unions, a number range otherwise. */
export type ParamLimit<T> = [T] extends [string] ? EnumLimit<T> : NumberLimit;

export type ParamLimits = { readonly [K in keyof ScenarioParams]: ParamLimit<ScenarioParams[K]> };

/** The list as given, typed so that leaving out a member of `T` fails to compile. */
function everyOf<T extends string>() {
  return <const V extends readonly T[]>(
    values: V & ([Exclude<T, V[number]>] extends [never] ? unknown : never),
  ): readonly T[] => values;
}

/** Allowed range, unit and meaning of every parameter, in ScenarioParams order. */
export const PARAM_LIMITS: ParamLimits = {
  clients: {
    kind: "number",
    min: 1,
    max: 10_000,
    integer: true,
    unit: "clients",
    description: "Simulated clients, one per user id.",
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
  },
  publishModel: {
    kind: "enum",
    values: everyOf<PublishModel>()(["poisson", "fixed"]),
    description:
      "How publish times are spaced: poisson (random gaps) or fixed (even gaps); open-model either way.",
  },
  fanout: {
    kind: "enum",
    values: everyOf<Fanout>()(["per-user", "all-users"]),
    description:
      "Who receives one publish event: one user, round-robin (per-user), or every user at once (all-users).",
  },
  shortPollIntervalMs: {
    kind: "number",
    min: 10,
    max: 60_000,
    integer: true,
    unit: "ms",
    description: "Short polling: wait between one poll's answer and the next poll (jittered).",
  },
  jitterRatio: {
    kind: "number",
    min: 0,
    max: 1,
    integer: false,
    unit: "ratio",
    description: "Relative jitter on the short-polling interval (0.1 = +/-10 %).",
  },
  longPollHoldMs: {
    kind: "number",
    min: 100,
    // The servers' own `timeoutMs` bound (servers/request-validation.ts MAX_TIMEOUT_MS).
    max: 120_000,
    integer: true,
    unit: "ms",
    description: "Long polling: the hold the client asks for (the timeoutMs query parameter).",
  },
  rampMs: {
    kind: "number",
    min: 0,
    max: 60_000,
    integer: true,
    unit: "ms",
    description: "Time over which the clients connect, evenly spaced.",
  },
  warmupMs: {
    kind: "number",
    min: 0,
    max: 60_000,
    integer: true,
    unit: "ms",
    description: "Publishing before the measured window; nothing in it is measured.",
  },
  durationMs: {
    kind: "number",
    min: 100,
    max: 600_000,
    integer: true,
    unit: "ms",
    description: "The measured window.",
    flag: {
      name: "--duration",
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
  },
  payloadBytes: {
    kind: "number",
    min: 0,
    max: 65_536,
    integer: true,
    unit: "bytes",
    description: "Size of each notification's message text.",
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
    flag: { name: "--instances" },
  },
};

/** Every parameter name, in ScenarioParams order. */
export const PARAM_NAMES = Object.keys(PARAM_LIMITS) as (keyof ScenarioParams)[];

/** The parameters with a number range. */
export type NumericParam = {
  [K in keyof ScenarioParams]: ScenarioParams[K] extends number ? K : never;
}[keyof ScenarioParams];

/** The range of the flag that sets `param`: the field's own, unless the entry says otherwise. */
export function flagRange(param: NumericParam): { min: number; max: number } {
  const limit = PARAM_LIMITS[param];
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
      "HTTP requests one run implies (short polling: clients / interval; long polling: clients / hold + deliveries); above it the driver floods any server.",
  },
  planMs: {
    max: 60 * 60_000,
    unit: "ms",
    description: "Estimated wall time of the whole plan; longer is a mistake, not a benchmark.",
  },
} as const satisfies Readonly<Record<string, PlanLimit>>;
