/**
 * What the six fault scenarios share: one moderate workload, long enough before the fault for
 * a stable baseline rate (extra requests and bytes are measured against it) and long enough
 * after it for the slowest strategy to recover inside the window. Their `--quick` forms are
 * what the test suite runs (scripts/fault-scenarios.test.ts).
 */

import type { ScenarioParams } from "../src/model/scenario.ts";
import { DEFAULT_PARAMS } from "../src/model/scenario-schema.ts";
import { QUICK_PHASES } from "./defaults.ts";

/** 500 users, one notification per user every 2 s on average: 250 publishes/s in total. */
export const FAULT_PARAMS: ScenarioParams = {
  ...DEFAULT_PARAMS,
  clients: 500,
  ratePerSec: 0.5,
  rampMs: 2_000,
  warmupMs: 2_000,
  durationMs: 20_000,
  // Recovery may run past the window; the drain stops as soon as everything has arrived.
  drainMs: 15_000,
};

/** The fault starts this long after the window opened: the pre-fault baseline. */
export const FAULT_AT_MS = 8_000;

/**
 * `--quick`: 40 users at 2 notifications/s each, a 1.5 s baseline and a few seconds of recovery
 * room; the fault scenarios' quick forms shorten their own fault (e.g. a 2 s Redis outage).
 */
export const QUICK_FAULT_PARAMS: Partial<ScenarioParams> = {
  ...QUICK_PHASES,
  clients: 40,
  ratePerSec: 2,
  durationMs: 6_000,
  drainMs: 8_000,
};

export const QUICK_FAULT_AT_MS = 1_500;
