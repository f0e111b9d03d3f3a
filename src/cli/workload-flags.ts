/**
 * The workload flags of `npm run bench`: every scenario parameter as a flag on top of any
 * scenario (`--rate 1/min`, `--payload-bytes 2KiB`, `--poll-interval 5s`, ...; names, ranges
 * and units from the table in src/model/param-limits.ts), `--history`, `--sweep param=a,b,c`
 * (an ad hoc sweep of any numeric parameter) and `--scenario-file FILE` (repeatable). Each bad
 * value is one line naming the flag, the value and the fix.
 */
import {
  type EnumParam,
  flagRange,
  NUMERIC_PARAMS,
  type NumberLimit,
  type NumericParam,
  PARAM_LIMITS,
  PARAM_NAMES,
  type ParamName,
} from "../model/param-limits.ts";
import type { ScenarioParams } from "../model/scenario.ts";
import type { AdHocSweep } from "../plan/cli-overrides.ts";
import { parseDurationMs, parseIntegerFlag } from "../util/parse-flags.ts";
import { UsageError } from "../util/usage-error.ts";
import { parseSizeBytes } from "./client-bound-flags.ts";

/** Flags the bench had before, parsed in bench-options.ts with rules of their own. */
const OWN_RULES: readonly ParamName[] = ["clients", "durationMs", "instances"];

/** Parameters with a workload flag here, in table order, and the flag's name without dashes. */
export const WORKLOAD_PARAM_FLAGS: readonly { param: ParamName; flag: string }[] =
  PARAM_NAMES.flatMap((param) => {
    const limit: { flag?: { name: string } } = PARAM_LIMITS[param];
    return limit.flag && !OWN_RULES.includes(param)
      ? [{ param, flag: limit.flag.name.slice(2) }]
      : [];
  });

/** `--history N`: notifications kept per user stream in every run (the server default is 1000). */
export const HISTORY_LIMITS = { min: 1, max: 100_000 } as const;

/** The parseArgs spec of the flags here (`--scenario-file` is taken out of argv first). */
export const WORKLOAD_FLAG_SPEC = Object.fromEntries([
  ...WORKLOAD_PARAM_FLAGS.map(({ flag }) => [flag, { type: "string" }] as const),
  ["history", { type: "string" }],
  ["sweep", { type: "string" }],
]) as Record<string, { type: "string" }>;

export interface WorkloadOptions {
  /** Parameters the flags set, in every run (quick or not). */
  overrides: Partial<ScenarioParams>;
  /** `--sweep`; null when not given. */
  sweep: AdHocSweep | null;
  /** `--history`; null when not given (each run's own, 1000 unless its fault says otherwise). */
  historyMaxLen: number | null;
}

/** "1m", "5s", "250ms": a bound in the unit it reads best in. */
function formatMs(ms: number): string {
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0 && ms > 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

const PER_UNIT_SECONDS: Readonly<Record<string, number>> = {
  s: 1,
  sec: 1,
  second: 1,
  m: 60,
  min: 60,
  minute: 60,
  h: 3_600,
  hour: 3_600,
};

/** `0.1`, `5/s`, `1/min`, `2/h`: notifications per user per second. */
export function parseRate(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(?:\/\s*([a-z]+))?$/i.exec(text.trim());
  const perUnit = match?.[2] === undefined ? 1 : PER_UNIT_SECONDS[match[2].toLowerCase()];
  if (!match || perUnit === undefined) {
    throw new UsageError(
      `${flag} '${text}' is not a rate; give notifications per user, e.g. 0.1, 5/s, 1/min or 2/h.`,
    );
  }
  return Number(match[1]) / perUnit;
}

/** `0.1` or `10%`: a ratio. */
function parseRatio(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(%)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} '${text}' is not a number; give e.g. 0.1 or 10%.`);
  const value = Number(match[1]);
  return match[2] ? Number((value / 100).toPrecision(12)) : value;
}

/** The value of a numeric parameter's flag, in the parameter's unit, within the flag's range. */
export function parseParamValue(param: NumericParam, text: string, flag: string): number {
  const limit: NumberLimit = PARAM_LIMITS[param];
  const { min, max } = flagRange(param);
  const syntax = limit.flag?.syntax ?? "number";
  if (syntax === "duration") {
    const ms = parseDurationMs(text, flag);
    if (ms < min || ms > max) {
      throw new UsageError(
        `${flag} ${text} is out of range; give one from ${formatMs(min)} to ${formatMs(max)}, e.g. ${flag} ${formatMs(limit.default)}.`,
      );
    }
    return ms;
  }
  if (syntax === "number" && limit.integer) return parseIntegerFlag(text, flag, min, max);
  const value =
    syntax === "rate"
      ? parseRate(text, flag)
      : syntax === "size"
        ? parseSizeBytes(text, flag)
        : parseRatio(text, flag);
  if (!(value >= min && value <= max)) {
    const unit = syntax === "rate" ? "/s" : syntax === "size" ? " bytes" : "";
    throw new UsageError(
      `${flag} ${text} is out of range; give one from ${min}${unit} to ${max}${unit} (${limit.unit}).`,
    );
  }
  if (limit.integer && !Number.isInteger(value)) {
    throw new UsageError(`${flag} ${text} is not a whole number of ${limit.unit}; round it.`);
  }
  return value;
}

function parseEnumValue(param: EnumParam, text: string, flag: string): string {
  const values: readonly string[] = PARAM_LIMITS[param].values;
  const value = text.trim();
  if (!values.includes(value)) {
    throw new UsageError(`${flag} '${text}' is not allowed; use one of ${values.join(", ")}.`);
  }
  return value;
}

function isNumericParam(param: ParamName): param is NumericParam {
  return (NUMERIC_PARAMS as readonly string[]).includes(param);
}

/** At most this many values in one `--sweep`. */
export const MAX_SWEEP_VALUES = 10;

/** The parameter a `--sweep` key names: a parameter (`ratePerSec`) or its flag (`rate`). */
function sweepParameter(key: string): NumericParam {
  const name = key.trim().replace(/^--/, "");
  const byFlag = PARAM_NAMES.find((param) => {
    const limit: { flag?: { name: string } } = PARAM_LIMITS[param];
    return limit.flag?.name === `--${name}`;
  });
  const param = byFlag ?? PARAM_NAMES.find((p) => p === name);
  if (param === undefined || !isNumericParam(param)) {
    const why = param === undefined ? "is not a parameter" : "is not numeric";
    throw new UsageError(
      `--sweep '${key}' ${why}; sweep one of ${NUMERIC_PARAMS.join(", ")} (or its flag name, e.g. --sweep rate=0.1,1,10).`,
    );
  }
  return param;
}

/** `--sweep param=a,b,c`: the values in the parameter's unit, labelled as typed. */
export function parseSweep(text: string): AdHocSweep {
  const example = "e.g. --sweep rate=1/min,1/s,5/s or --sweep payloadBytes=200,2KiB,16KiB";
  const equals = text.indexOf("=");
  if (equals < 0) {
    throw new UsageError(`--sweep '${text}' has no '='; give param=a,b,c, ${example}.`);
  }
  const parameter = sweepParameter(text.slice(0, equals));
  const items = text
    .slice(equals + 1)
    .split(",")
    .map((item) => item.trim());
  if (items.some((item) => item === "")) {
    throw new UsageError(`--sweep '${text}' has an empty value; give param=a,b,c, ${example}.`);
  }
  if (items.length > MAX_SWEEP_VALUES) {
    throw new UsageError(
      `--sweep has ${items.length} values; give at most ${MAX_SWEEP_VALUES} (each is a run per strategy).`,
    );
  }
  const steps = items.map((label) => ({
    label,
    value: parseParamValue(parameter, label, `--sweep ${parameter}`),
  }));
  const seen = new Set<number>();
  for (const step of steps) {
    if (seen.has(step.value)) {
      throw new UsageError(
        `--sweep ${parameter}: '${step.label}' repeats a value; give each once.`,
      );
    }
    seen.add(step.value);
  }
  return { parameter, steps };
}

/** The workload flags' values (those given), checked; `others` are the older flags given. */
export function parseWorkloadFlags(
  values: Readonly<Record<string, string | boolean | undefined>>,
  others: { clients: boolean; duration: boolean; instances: boolean },
): WorkloadOptions {
  const overrides: Record<string, number | string> = {};
  for (const { param, flag } of WORKLOAD_PARAM_FLAGS) {
    const text = values[flag];
    if (typeof text !== "string") continue;
    overrides[param] = isNumericParam(param)
      ? parseParamValue(param, text, `--${flag}`)
      : parseEnumValue(param, text, `--${flag}`);
  }
  const sweepText = values.sweep;
  const sweep = typeof sweepText === "string" ? parseSweep(sweepText) : null;
  if (sweep) {
    const byOlder: Partial<Record<NumericParam, boolean>> = {
      clients: others.clients,
      durationMs: others.duration,
      instances: others.instances,
    };
    if (overrides[sweep.parameter] !== undefined || byOlder[sweep.parameter]) {
      const flag = PARAM_LIMITS[sweep.parameter].flag?.name ?? sweep.parameter;
      throw new UsageError(
        `--sweep ${sweep.parameter} and ${flag} both set ${sweep.parameter}; drop one of them.`,
      );
    }
  }
  const historyText = values.history;
  const historyMaxLen =
    typeof historyText === "string"
      ? parseIntegerFlag(historyText, "--history", HISTORY_LIMITS.min, HISTORY_LIMITS.max)
      : null;
  return { overrides: overrides as Partial<ScenarioParams>, sweep, historyMaxLen };
}

/** Flags whose value may look like a negative number. */
const GLUED = new Set(Object.keys(WORKLOAD_FLAG_SPEC).map((flag) => `--${flag}`));

/**
 * Takes every `--scenario-file FILE` / `--scenario-file=FILE` out of argv (the flag may repeat;
 * parseArgs refuses repeats), returning the files in order and the rest of argv; a workload
 * flag's negative value is glued on with `=`.
 */
export function takeScenarioFiles(argv: readonly string[]): { argv: string[]; files: string[] } {
  const out: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith("--scenario-file=")) {
      files.push(arg.slice("--scenario-file=".length));
      continue;
    }
    // parseArgs takes "-1" for a flag; glued on, the message is about the value instead.
    const next = argv[i + 1];
    if (GLUED.has(arg) && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i += 1;
      continue;
    }
    if (arg === "--scenario-file") {
      if (next === undefined || next.startsWith("--")) {
        throw new UsageError(
          "--scenario-file needs a value, e.g. --scenario-file examples/chat-unread-badge.json (see --help).",
        );
      }
      files.push(next);
      i += 1;
      continue;
    }
    out.push(arg);
  }
  for (const file of files) {
    if (file.trim() === "") {
      throw new UsageError(
        "--scenario-file is empty; give a JSON or YAML scenario file, e.g. --scenario-file examples/chat-unread-badge.json.",
      );
    }
  }
  return { argv: out, files };
}

/** The help lines of the workload flags, ranges and units from the table. */
export function workloadFlagsHelp(): string {
  const examples: Readonly<Record<string, string>> = {
    rate: "R",
    "payload-bytes": "N",
    "poll-interval": "D",
    hold: "D",
    fanout: "F",
    "publish-model": "M",
    ramp: "D",
    warmup: "D",
    drain: "D",
    jitter: "J",
  };
  const rows = WORKLOAD_PARAM_FLAGS.map(({ param, flag }) => {
    const limit = PARAM_LIMITS[param] as NumberLimit | { kind: "enum"; values: readonly string[] };
    let range: string;
    if (limit.kind === "enum") range = limit.values.join("|");
    else {
      const { min, max } = flagRange(param as NumericParam);
      const syntax = limit.flag?.syntax;
      range =
        syntax === "duration"
          ? `${formatMs(min)}..${formatMs(max)}`
          : syntax === "rate"
            ? `${min}..${max}/s, e.g. 0.1, 5/s, 1/min`
            : syntax === "size"
              ? `${min}..${max} bytes, e.g. 2048 or 2KiB`
              : `${min}..${max}, e.g. 0.1 or 10%`;
    }
    const head = `  --${flag} ${examples[flag] ?? "V"}`.padEnd(23);
    return `${head}${param} (${range})`;
  });
  return `Workload (on top of any scenario, in every run, --quick too; see docs/scenario.schema.json):
${rows.join("\n")}
  --history N          notifications kept per user stream, ${HISTORY_LIMITS.min}..${HISTORY_LIMITS.max} (default 1000)
  --sweep P=a,b,c      an ad hoc sweep of any numeric parameter P (a name or its flag, e.g.
                       rate=1/min,1/s,5/s or payloadBytes=200,2KiB), charted like built-in
                       sweeps; only for scenarios without a sweep, fault or capacity spec
  --scenario-file F    JSON file of your scenarios ({"scenarios": [...]}, the built-ins' form;
                       repeatable); alone it runs only the file's, --scenario may name them
A flag on a parameter a chosen scenario sweeps (e.g. --rate with rate-sweep) is refused.
`;
}
