import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";
import {
  FAULT_AT_MS,
  FAULT_PARAMS,
  QUICK_FAULT_AT_MS,
  QUICK_FAULT_PARAMS,
} from "./fault-defaults.ts";

/** Two instances behind client-side failover; one dies for good. */
export const instanceFailover: Scenario = defineScenario({
  id: "instance-failover",
  description:
    "With users spread over two server processes, when one is killed with kill -9 and stays dead, how long until its clients are served by the other, and is anything lost or sent twice?",
  defaultSuite: false,
  params: { ...FAULT_PARAMS, instances: 2 },
  fault: { kind: "instance-failover", atMs: FAULT_AT_MS, durationMs: 0 },
  quick: { params: QUICK_FAULT_PARAMS, fault: { atMs: QUICK_FAULT_AT_MS } },
});
