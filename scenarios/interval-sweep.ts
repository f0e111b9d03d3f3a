import type { Scenario, ScenarioStep } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";

/**
 * Window covers at least two intervals; drain covers the longest wait for the next poll
 * (interval + 10 % jitter) plus 0.5 s for the round trip.
 */
const STEPS: readonly { intervalMs: number; label: string; durationMs: number }[] = [
  { intervalMs: 250, label: "250 ms", durationMs: 5_000 },
  { intervalMs: 1_000, label: "1 s", durationMs: 5_000 },
  { intervalMs: 5_000, label: "5 s", durationMs: 10_000 },
  { intervalMs: 10_000, label: "10 s", durationMs: 20_000 },
];

/** Short polling's one knob: latency bought with requests. */
export const intervalSweep: Scenario = defineScenario({
  id: "interval-sweep",
  description:
    "For short polling alone, how do latency and request cost trade off as the polling interval goes from 250 ms to 10 s?",
  params: {
    clients: 200,
    // 0.2/s per user x 200 = 40 publishes/s: hundreds of latency samples even at 10 s.
    ratePerSec: 0.2,
    rampMs: 500,
    warmupMs: 1_000,
    durationMs: 5_000,
    drainMs: 2_000,
  },
  sweep: {
    parameter: "shortPollIntervalMs",
    axisTitle: "short-polling interval (ms)",
    steps: STEPS.map(
      ({ intervalMs, label, durationMs }): ScenarioStep => ({
        label,
        value: intervalMs,
        overrides: {
          shortPollIntervalMs: intervalMs,
          durationMs,
          drainMs: Math.ceil(intervalMs * 1.1 + 500),
        },
      }),
    ),
  },
  strategies: ["short-polling"],
  quick: {
    params: { ratePerSec: 1 },
    steps: [
      {
        label: "250 ms",
        value: 250,
        overrides: { shortPollIntervalMs: 250 },
      },
    ],
  },
});
