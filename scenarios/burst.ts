import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";

/** A broadcast: everyone is notified at the same instant. */
export const burst: Scenario = defineScenario({
  id: "burst",
  description:
    "When one notification goes to all 1,000 users at once every 4 s, how does each strategy absorb the spike?",
  params: {
    clients: 1_000,
    // One broadcast event every 4 s (all-users: the rate counts events, not notifications);
    // every strategy has delivered a broadcast well within 2 s, so the next one meets it idle.
    ratePerSec: 0.25,
    publishModel: "fixed",
    fanout: "all-users",
    rampMs: 1_000,
    warmupMs: 1_000,
    // Broadcasts at 0, 4, 8 and 12 s after warm-up starts: the first warms the broadcast path,
    // three fall in the window (3,000 deliveries), the last 1 s before its end. A run's
    // broadcasts are its samples (1,000 receipts of one broadcast move together), so the window
    // keeps three of them and loses only idle time (docs/methodology.md, "Choosing the default
    // suite's windows").
    durationMs: 12_000,
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
