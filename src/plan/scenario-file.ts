/**
 * `--scenario-file FILE`: a JSON file of the form `{ "scenarios": [ ... ] }`, each entry the
 * shape a built-in scenario is written in (src/model/scenario-schema.ts, published as
 * docs/scenario.schema.json). Read and checked before anything starts; every problem is one
 * line naming the file, the JSON path, the value and the fix.
 */
import { readFileSync } from "node:fs";
import type { Scenario } from "../model/scenario.ts";
import { parseWith, scenarioFileSchema } from "../model/scenario-schema.ts";
import { UsageError } from "../util/usage-error.ts";

/** Largest scenario file read: a few hundred scenarios fit; more is not a scenario file. */
export const MAX_SCENARIO_FILE_BYTES = 1024 * 1024;

/** The scenarios of a file's text (already read); `name` is how messages call the file. */
export function parseScenarioFileText(textOfFile: string, name: string): Scenario[] {
  let json: unknown;
  try {
    json = JSON.parse(textOfFile);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `${name}: not valid JSON (${why}); a scenario file is JSON like {"scenarios": [{"id": "my-app", "description": "...", "params": {...}}]} (see docs/scenario.schema.json).`,
    );
  }
  if (Array.isArray(json)) {
    throw new UsageError(
      `${name}: is a list; wrap it as {"scenarios": [...]} (see docs/scenario.schema.json).`,
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
      `--scenario-file ${path}: cannot read it (${code}); give the path of a JSON scenario file, e.g. --scenario-file examples/chat-unread-badge.json.`,
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
