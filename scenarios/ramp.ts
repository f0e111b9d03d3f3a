import type { Scenario, ScenarioStep } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";

/** Ramp time per step: connecting 10,000 clients takes a few seconds on its own. */
const STEPS: readonly { clients: number; rampMs: number }[] = [
  { clients: 100, rampMs: 500 },
  { clients: 1_000, rampMs: 1_000 },
  { clients: 4_000, rampMs: 2_000 },
  { clients: 10_000, rampMs: 3_000 },
];

/** How cost grows with the number of connected users. */
export const ramp: Scenario = defineScenario({
  id: "ramp",
  description:
    "How do server CPU, memory and latency grow as connected users go from 100 to 10,000 at a moderate per-user rate?",
  params: {
    clients: 100,
    // Moderate: 0.05/s per user = 5 publishes/s at 100 users, 500/s at 10,000.
    ratePerSec: 0.05,
    rampMs: 500,
    warmupMs: 1_000,
    durationMs: 5_000,
    drainMs: 2_000,
  },
  sweep: {
    parameter: "clients",
    axisTitle: "clients",
    steps: STEPS.map(
      ({ clients, rampMs }): ScenarioStep => ({
        label: `${clients.toLocaleString("en-US")} clients`,
        value: clients,
        overrides: { clients, rampMs },
      }),
    ),
  },
  quick: {
    params: { ratePerSec: 1 },
    // One step: a two-point sweep would not fit the quick budget (see defaults.ts).
    steps: [{ label: "50 clients", value: 50, overrides: { clients: 50 } }],
  },
});
