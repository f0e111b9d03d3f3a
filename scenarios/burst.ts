import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";

/** A broadcast: everyone is notified at the same instant. */
export const burst: Scenario = defineScenario({
  id: "burst",
  description:
    "When one notification goes to all 1,000 users at once every 5 s, how does each strategy absorb the spike?",
  params: {
    clients: 1_000,
    // One broadcast event every 5 s (all-users: the rate counts events, not notifications).
    ratePerSec: 0.2,
    publishModel: "fixed",
    fanout: "all-users",
    rampMs: 2_000,
    warmupMs: 2_000,
    // Broadcasts at 0, 5, 10 and 15 s after warm-up starts: three fall in the window
    // (3,000 deliveries), the last 2 s before its end.
    durationMs: 15_000,
    drainMs: 2_000,
  },
  // Its figures are the ones strategies are compared by: 3 interleaved repetitions by default
  // give 95 % intervals (docs/methodology.md, "Repetitions and intervals").
  defaultRepeat: 3,
  quick: {
    // A broadcast every 500 ms: two fall in the one-second window.
    params: { ratePerSec: 2 },
  },
});
