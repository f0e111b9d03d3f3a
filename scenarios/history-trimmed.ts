import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";
import {
  FAULT_AT_MS,
  FAULT_PARAMS,
  QUICK_FAULT_AT_MS,
  QUICK_FAULT_PARAMS,
} from "./fault-defaults.ts";

/**
 * A fifth of the clients go away for 5 s; while they are away their users' history is trimmed
 * to the newest notification (retention expiring), so they come back with a cursor older than
 * anything kept. They must be told (an explicit reset), never silently skip.
 */
export const historyTrimmed: Scenario = defineScenario({
  id: "history-trimmed",
  description:
    "When a client returns with a cursor older than the kept history, does it get an explicit reset (SSE event: reset, polling reset: true) instead of a silent gap, and is everything else still delivered once?",
  defaultSuite: false,
  params: { ...FAULT_PARAMS, ratePerSec: 1 },
  fault: {
    kind: "history-trimmed",
    atMs: FAULT_AT_MS,
    durationMs: 5_000,
    clientShare: 0.2,
    keepHistory: 1,
  },
  quick: {
    params: QUICK_FAULT_PARAMS,
    fault: { atMs: QUICK_FAULT_AT_MS, durationMs: 2_000 },
  },
});
