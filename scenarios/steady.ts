import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";

/** The everyday case: many users, each notified now and then. */
export const steady: Scenario = defineScenario({
  id: "steady",
  description:
    "With 1,000 users each notified every 10 s on average, what does each strategy cost and how fast does it deliver?",
  params: {
    clients: 1_000,
    // 0.1/s per user x 1,000 users = 100 publishes/s in total.
    ratePerSec: 0.1,
    // 1,000 users connect in 1 s, as in `ramp`; 1 s of publishing warms the delivery path.
    rampMs: 1_000,
    warmupMs: 1_000,
    // ~800 deliveries in the window. The window was 12 s (~1,200); at 8 s a run's own sampling
    // error of p50 is still a small part of the run-to-run spread, so the time goes to
    // repetitions instead (docs/methodology.md, "Choosing the default suite's windows").
    durationMs: 8_000,
    // Short polling's worst wait is 1.1 s (interval + jitter) plus a round trip.
    drainMs: 2_000,
  },
  // Its figures are the ones strategies are compared by: 3 interleaved repetitions by default
  // give 95 % intervals (docs/methodology.md, "Repetitions and intervals").
  defaultRepeat: 3,
  quick: {
    // 1/s per user so a one-second window still sees ~20 deliveries.
    params: { ratePerSec: 1 },
  },
});
