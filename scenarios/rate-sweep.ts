import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";

/** Where push starts to pay off: from rare to chatty notifications. */
export const rateSweep: Scenario = defineScenario({
  id: "rate-sweep",
  description:
    "As each user's notification rate goes from one every 100 s to 10 per second, where does each strategy's cost per delivered notification cross over?",
  params: {
    // 200 users keeps the top step at 10/s x 200 = 2,000 publishes/s: sane on 2 cores.
    clients: 200,
    ratePerSec: 0.1,
    rampMs: 500,
    warmupMs: 1_000,
    durationMs: 5_000,
    drainMs: 2_000,
  },
  sweep: {
    parameter: "ratePerSec",
    axisTitle: "notifications per user per second",
    steps: [
      // 200 x 0.01/s = 2 publishes/s: a longer window for ~20 deliveries to measure.
      { label: "0.01/s", value: 0.01, overrides: { ratePerSec: 0.01, durationMs: 10_000 } },
      { label: "0.1/s", value: 0.1, overrides: { ratePerSec: 0.1 } },
      { label: "1/s", value: 1, overrides: { ratePerSec: 1 } },
      { label: "10/s", value: 10, overrides: { ratePerSec: 10 } },
    ],
  },
  quick: {
    params: {},
    steps: [{ label: "1/s", value: 1, overrides: { ratePerSec: 1 } }],
  },
});
