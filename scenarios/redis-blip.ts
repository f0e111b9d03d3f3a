import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";
import {
  FAULT_AT_MS,
  FAULT_PARAMS,
  QUICK_FAULT_AT_MS,
  QUICK_FAULT_PARAMS,
} from "./fault-defaults.ts";

/** Redis goes away for 10 s with its data kept (SHUTDOWN SAVE, then started on the same port). */
export const redisBlip: Scenario = defineScenario({
  id: "redis-blip",
  description:
    "When Redis is unreachable for 10 s while notifications are being published, do the servers answer 503 with Retry-After instead of hanging, and does delivery complete once Redis is back?",
  defaultSuite: false,
  params: { ...FAULT_PARAMS, durationMs: 28_000 },
  fault: { kind: "redis-blip", atMs: FAULT_AT_MS, durationMs: 10_000 },
  // A 2 s outage in --quick: enough for every strategy to see errors and reconnect.
  quick: {
    params: { ...QUICK_FAULT_PARAMS, durationMs: 7_000 },
    fault: { atMs: QUICK_FAULT_AT_MS, durationMs: 2_000 },
  },
});
