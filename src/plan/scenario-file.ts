/**
 * `--scenario-file FILE`: a JSON file of the form `{ "scenarios": [ ... ] }`, or the same in
 * YAML (`.yaml` / `.yml`, read with the `yaml` package: YAML 1.2 core schema, unique keys, one
 * document), each entry the shape a built-in scenario is written in
 * (src/model/scenario-schema.ts, published as docs/scenario.schema.json). Both formats become
 * the same plain value and meet the same schema, so the messages are the same. Read and
 * checked before anything starts; every problem is one line naming the file, the JSON path (a
 * YAML syntax error: the line and column), the value and the fix.
 */
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { Scenario } from "../model/scenario.ts";
import { formatPath, parseWith, scenarioFileSchema } from "../model/scenario-schema.ts";
import { UsageError } from "../util/usage-error.ts";

/** Largest scenario file read: a few hundred scenarios fit; more is not a scenario file. */
export const MAX_SCENARIO_FILE_BYTES = 1024 * 1024;

/** How a scenario file is written: YAML for a `.yaml` / `.yml` name, JSON otherwise. */
export type ScenarioFileFormat = "json" | "yaml";

export function formatOfScenarioFile(name: string): ScenarioFileFormat {
  return /\.ya?ml$/i.test(name) ? "yaml" : "json";
}

const YAML_SHAPE =
  "a scenario file is YAML like 'scenarios: [{id: my-app, description: ..., params: {...}}]' (see docs/scenario.schema.json)";

function parseJson(textOfFile: string, name: string): unknown {
  try {
    return JSON.parse(textOfFile);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `${name}: not valid JSON (${why}); a scenario file is JSON like {"scenarios": [{"id": "my-app", "description": "...", "params": {...}}]} (see docs/scenario.schema.json).`,
    );
  }
}

/**
 * The plain value of a YAML file. A syntax error is one line: the file, the line and column,
 * the parser's reason (its first line, without the excerpt it adds below).
 */
function parseYaml(textOfFile: string, name: string): unknown {
  const document = parseDocument(textOfFile, { prettyErrors: true, uniqueKeys: true });
  const error = document.errors[0];
  if (error !== undefined) {
    const at = error.linePos?.[0];
    const where = at ? ` at line ${at.line}, column ${at.col}` : "";
    const why = (error.message.split("\n")[0] ?? error.code)
      .replace(/ at line \d+, column \d+:?$/, "")
      .trim();
    throw new UsageError(`${name}: not valid YAML${where} (${why}); ${YAML_SHAPE}.`);
  }
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    // an alias to no anchor, or aliases that expand past the bound
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new UsageError(`${name}: not valid YAML (${why}); ${YAML_SHAPE}.`);
  }
}

/**
 * The first number JSON could not have held (YAML's .inf, .nan), with its path: the schema
 * would only see "not a number" without the value the file wrote.
 */
function nonFinite(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof value === "number") return Number.isFinite(value) ? null : path;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nonFinite(item, [...path, i]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const found = nonFinite(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/**
 * The scenarios of a file's text (already read); `name` is how messages call the file, and its
 * extension says the format unless `format` is given.
 */
export function parseScenarioFileText(
  textOfFile: string,
  name: string,
  format: ScenarioFileFormat = formatOfScenarioFile(name),
): Scenario[] {
  const json = format === "yaml" ? parseYaml(textOfFile, name) : parseJson(textOfFile, name);
  if (Array.isArray(json)) {
    throw new UsageError(
      format === "yaml"
        ? `${name}: is a list; put it under a 'scenarios:' key (see docs/scenario.schema.json).`
        : `${name}: is a list; wrap it as {"scenarios": [...]} (see docs/scenario.schema.json).`,
    );
  }
  if (format === "yaml" && (json === null || json === undefined)) {
    throw new UsageError(`${name}: is empty; ${YAML_SHAPE}.`);
  }
  const infinite = nonFinite(json);
  if (infinite) {
    const value = infinite.reduce<unknown>(
      (at, key) => (at as Record<string | number, unknown>)[key],
      json,
    );
    const where = infinite.length > 0 ? `${formatPath(infinite)}: ` : "";
    throw new UsageError(
      `${name}: ${where}${String(value)} is not a finite number; write a number`,
    );
  }
  const parsed = parseWith(scenarioFileSchema, json);
  if (!parsed.ok) throw new UsageError(`${name}: ${parsed.message}`);
  return parsed.data.scenarios;
}

/** Reads and checks one scenario file. */
export function readScenarioFile(path: string): Scenario[] {
  let buffer: Buffer;
  try {
    buffer = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new UsageError(
      `--scenario-file ${path}: cannot read it (${code}); give the path of a JSON or YAML scenario file, e.g. --scenario-file examples/chat-unread-badge.json.`,
    );
  }
  if (buffer.length > MAX_SCENARIO_FILE_BYTES) {
    throw new UsageError(
      `${path}: ${buffer.length} bytes is more than a scenario file (at most ${MAX_SCENARIO_FILE_BYTES}); give a file of scenarios.`,
    );
  }
  return parseScenarioFileText(buffer.toString("utf8"), path);
}

/**
 * The scenarios of several files, in order, with ids unique across files and apart from the
 * built-ins' (`reserved`), so `--scenario` and the results name each one unambiguously.
 */
export function readScenarioFiles(
  paths: readonly string[],
  reserved: readonly string[],
): Scenario[] {
  const scenarios: Scenario[] = [];
  const origin = new Map<string, string>();
  for (const path of paths) {
    readScenarioFile(path).forEach((scenario, i) => {
      if (reserved.includes(scenario.id)) {
        throw new UsageError(
          `${path}: scenarios[${i}].id: '${scenario.id}' is a built-in scenario's id; give yours another, e.g. 'my-${scenario.id}'.`,
        );
      }
      const first = origin.get(scenario.id);
      if (first !== undefined) {
        throw new UsageError(
          `${path}: scenarios[${i}].id: '${scenario.id}' is also in ${first}; give each scenario its own id.`,
        );
      }
      origin.set(scenario.id, path);
      scenarios.push(scenario);
    });
  }
  return scenarios;
}
