/**
 * Upgrades of older results files, in place, before validation. Each step fills in what the
 * older version could not have had with the value that is true for it (0 where nothing could
 * happen, null where nothing was measured), never a guess. Malformed parts are left alone for
 * the validator to name.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function eachObject(list: unknown, visit: (item: Json) => void): void {
  if (!Array.isArray(list)) return;
  for (const item of list) if (isObject(item)) visit(item);
}

/**
 * Version 1 (before faults, resets and --target) -> 2: nothing in those files could reset or
 * be a fault, so the new counts are truly 0 and the new sections absent.
 */
export function upgradeFromVersion1(json: Json): void {
  const method = json.method;
  if (isObject(method) && !("target" in method)) method.target = null;
  eachObject(json.runs, (run) => {
    if (!("fault" in run)) run.fault = null;
    const delivery = run.delivery;
    if (isObject(delivery) && !("skippedByReset" in delivery)) delivery.skippedByReset = 0;
    const http = run.http;
    if (isObject(http) && !("resets" in http)) {
      // k6 imports (no driver counters) could not have counted resets: null, not 0.
      http.resets = run.driver === null ? null : 0;
    }
  });
}

/**
 * Version 2 (one run per scenario step x strategy) -> 3: every run is repetition 1 of 1, the
 * publisher's lag and the instrument's floor were not recorded (null), and the summaries are
 * computed by the reader from those single runs (intervals null: one run has no spread).
 */
export function upgradeFromVersion2(json: Json): void {
  const method = json.method;
  if (isObject(method)) {
    if (!("repeat" in method)) method.repeat = 1;
    if (!("sampling" in method)) method.sampling = null;
    if (!("instrumentFloor" in method)) method.instrumentFloor = null;
  }
  eachObject(json.runs, (run) => {
    if (!("repetition" in run)) run.repetition = 1;
    if (!("publisher" in run)) run.publisher = null;
  });
  eachObject(json.failedRuns, (failed) => {
    if (!("repetition" in failed)) failed.repetition = 1;
  });
  if (!("summaries" in json)) json.summaries = [];
}

/**
 * Version 3 before the clients counted errors by reason and backed off (those fields came
 * while version 3 was unreleased): nothing was counted, so null, never 0. Also run on files
 * upgraded from 1 and 2.
 */
export function upgradeWithinVersion3(json: Json): void {
  eachObject(json.runs, (run) => {
    const http = run.http;
    if (!isObject(http)) return;
    if (!("errorsByReason" in http)) http.errorsByReason = null;
    if (!("backoffs" in http)) http.backoffs = null;
    if (!("reconnectBackoffMaxMs" in http)) http.reconnectBackoffMaxMs = null;
  });
}

/**
 * Version 3 -> 4: no timeline was recorded, so no radio energy (null, never an estimate made up
 * after the fact).
 */
export function upgradeFromVersion3(json: Json): void {
  eachObject(json.runs, (run) => {
    if (!("energy" in run)) run.energy = null;
  });
  eachObject(json.summaries, (summary) => {
    const figures = summary.figures;
    if (isObject(figures) && !("radioEnergyPerUserHourJ" in figures)) {
      figures.radioEnergyPerUserHourJ = null;
    }
  });
}
