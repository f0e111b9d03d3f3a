/**
 * A thin wrapper over node:util parseArgs that turns its errors into one readable line
 * naming the flag and the fix, and rejects positional arguments and repeated flags.
 */
import { parseArgs } from "node:util";
import { UsageError } from "./usage-error.ts";

export type FlagSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

export type FlagValues<S extends FlagSpec> = {
  [K in keyof S]?: S[K]["type"] extends "string" ? string : boolean;
};

/**
 * Parses `argv` (without node and the script path) against `spec`.
 * Throws UsageError for unknown flags, missing values, repeated flags and positionals.
 */
export function parseFlags<S extends FlagSpec>(
  argv: readonly string[],
  spec: S,
  options: { allowPositionals?: boolean } = {},
): { values: FlagValues<S>; positionals: string[] } {
  const seen = new Set<string>();
  for (const arg of argv) {
    if (arg === "--") break;
    const match = /^--([^=]+)/.exec(arg);
    const name = match?.[1];
    if (name === undefined || !(name in spec)) continue;
    if (seen.has(name)) {
      throw new UsageError(`--${name} was given more than once; give it once.`);
    }
    seen.add(name);
  }
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: spec,
      strict: true,
      allowPositionals: options.allowPositionals ?? false,
    });
    return { values: parsed.values as FlagValues<S>, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError(describeParseError(error, Object.keys(spec)));
  }
}

function describeParseError(error: unknown, known: string[]): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const flagList = known.map((k) => `--${k}`).join(", ");
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? "?";
      return `unknown flag ${flag}; known flags: ${flagList} (see --help).`;
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const flag = /'(--?[^' ]+)/.exec(message)?.[1] ?? "a flag";
      return `${flag} needs a value, e.g. ${flag} <value> (see --help).`;
    }
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL": {
      const arg = /'([^']+)'/.exec(message)?.[1] ?? "?";
      return `unexpected argument '${arg}'; every option is a --flag (see --help).`;
    }
    default:
      return `${message} (see --help).`;
  }
}

/**
 * Parses a human duration: "1500ms", "30s", "2m", or a bare number of milliseconds.
 * `flag` names the input in the error message.
 */
export function parseDurationMs(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) {
    throw new UsageError(`${flag} '${text}' is not a duration; use e.g. 500ms, 30s or 2m.`);
  }
  const value = Number(match[1]);
  const unit = match[2] ?? "ms";
  const factor = unit === "m" ? 60_000 : unit === "s" ? 1000 : 1;
  return Math.round(value * factor);
}

/** Parses a whole number within [min, max]; `flag` names the input in the error message. */
export function parseIntegerFlag(text: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new UsageError(
      `${flag} '${text}' is not a whole number; give one from ${min} to ${max}.`,
    );
  }
  const value = Number(text);
  if (value < min || value > max) {
    throw new UsageError(`${flag} ${value} is out of range; give one from ${min} to ${max}.`);
  }
  return value;
}
