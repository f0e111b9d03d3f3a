import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";
import {
  FAULT_AT_MS,
  FAULT_PARAMS,
  QUICK_FAULT_AT_MS,
  QUICK_FAULT_PARAMS,
} from "./fault-defaults.ts";

/** The server process dies without warning and comes back on the same port. */
export const serverRestart: Scenario = defineScenario({
  id: "server-restart",
  description:
    "When the server is killed with kill -9 and started again, how long until every client is back and has everything it missed, from its cursor or Last-Event-ID?",
  defaultSuite: false,
  params: FAULT_PARAMS,
  fault: { kind: "server-restart", atMs: FAULT_AT_MS, durationMs: 0 },
  quick: { params: QUICK_FAULT_PARAMS, fault: { atMs: QUICK_FAULT_AT_MS } },
});
