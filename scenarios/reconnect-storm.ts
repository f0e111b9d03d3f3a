import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";
import {
  FAULT_AT_MS,
  FAULT_PARAMS,
  QUICK_FAULT_AT_MS,
  QUICK_FAULT_PARAMS,
} from "./fault-defaults.ts";

/** Every connection drops at once (a load balancer restart, a network flap). */
export const reconnectStorm: Scenario = defineScenario({
  id: "reconnect-storm",
  description:
    "When all 2,000 clients lose their connection at once and reconnect within one second, what does the storm cost the server, and does every client resume without loss or duplicates?",
  defaultSuite: false,
  params: { ...FAULT_PARAMS, clients: 2_000, ratePerSec: 0.125 },
  fault: { kind: "reconnect-storm", atMs: FAULT_AT_MS, durationMs: 1_000 },
  quick: { params: QUICK_FAULT_PARAMS, fault: { atMs: QUICK_FAULT_AT_MS } },
});
