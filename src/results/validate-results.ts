/**
 * Validation of a parsed results.json: an older version is upgraded in place
 * (upgrade-results.ts), then the whole file is checked against the zod schema of
 * src/model/results-schema.ts, whose inferred types the compiler holds equal to the interfaces
 * of src/model/results.ts and summaries.ts. Every message names the JSON path, what was
 * expected and what was found.
 */

import { type BenchResults, RESULTS_SCHEMA_VERSION } from "../model/results.ts";
import { describeValue, resultsProblem } from "../model/results-schema.ts";
import { summarizeRuns } from "./summarize-runs.ts";
import {
  upgradeFromVersion1,
  upgradeFromVersion2,
  upgradeFromVersion3,
  upgradeWithinVersion3,
} from "./upgrade-results.ts";

/** A results file that cannot be read or does not match the schema. The message is one readable line. */
export class ResultsError extends Error {
  override readonly name = "ResultsError";
}

/**
 * Checks that `json` (a parsed results.json) is a BenchResults of the version this code reads,
 * upgrading versions 1 to 3 in place first. Returns the same object, typed (the schema
 * transforms nothing, so the checked input is the result); extra fields are ignored.
 * @throws ResultsError naming the JSON path, e.g. `runs[3].latency.p99Us must be a number or null, got "abc"`.
 */
export function validateResults(json: unknown): BenchResults {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new ResultsError(`results.json must hold a JSON object, got ${describeValue(json)}`);
  }
  // The version decides how the rest is read, so it is checked first, with its own message.
  const version = (json as { schemaVersion?: unknown }).schemaVersion;
  // versions 1 and 2 had no summaries: they are folded from the runs below
  const upgraded = version === 1 || version === 2;
  if (version === 1 || version === 2 || version === 3) {
    upgradeToCurrent(json as Record<string, unknown>, version);
  } else if (version !== RESULTS_SCHEMA_VERSION) {
    const found =
      version === undefined ? "no schemaVersion" : `schemaVersion ${describeValue(version)}`;
    throw new ResultsError(
      `results.json has ${found}; this push-vs-poll reads versions 1 to ${RESULTS_SCHEMA_VERSION}: re-run npm run bench`,
    );
  }
  const problem = resultsProblem(json);
  if (problem !== null) throw new ResultsError(problem);
  const results = json as BenchResults;
  // Older files had no summaries: fold their (single) runs now, once the runs are known good.
  if (upgraded) results.summaries = summarizeRuns(results.runs);
  return results;
}

/** Brings a version 1, 2 or 3 file up to the current version in place (see upgrade-results.ts). */
function upgradeToCurrent(json: Record<string, unknown>, version: 1 | 2 | 3): void {
  if (version === 1) upgradeFromVersion1(json);
  if (version <= 2) upgradeFromVersion2(json);
  upgradeWithinVersion3(json);
  upgradeFromVersion3(json);
  json.schemaVersion = RESULTS_SCHEMA_VERSION;
}
