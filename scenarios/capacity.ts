import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";

/**
 * Capacity: autocannon drives the polling routes (no simulated users, no publisher): a closed
 * loop finds the saturation rate, rate-limited steps the highest rate with p99 under 50 ms.
 * SSE has no request/response route to drive, so it is not part of this scenario; what SSE
 * connections cost is in the ramp scenario.
 */
export const capacity: Scenario = defineScenario({
  id: "capacity",
  description:
    "How many requests per second, and so how many clients, can one server process of each polling strategy carry with p99 under 50 ms?",
  // Opt-in (--scenario capacity or all): ~45 s on top of a default suite that is at its budget.
  defaultSuite: false,
  strategies: ["short-polling", "long-polling"],
  // Required by the type; a capacity run reads only longPollHoldMs (the hold of the long-poll
  // requests and of the clients-per-process model) and payloadBytes (the seeded notifications).
  params: {
    clients: 100,
    ratePerSec: 0,
    rampMs: 0,
    warmupMs: 0,
    durationMs: 1_000,
    drainMs: 0,
  },
  capacity: {
    // Enough concurrency to keep one Node process busy without the driver drowning in sockets.
    connections: 50,
    saturationMs: 5_000,
    stepMs: 4_000,
    stepFractions: [0.25, 0.5, 0.75, 0.9],
    p99BoundMs: 50,
    // Short polling every 1 s / 5 s / 30 s; long polling notified every 1 s / 5 s / 30 s.
    intervalsMs: [1_000, 5_000, 30_000],
  },
  quick: {
    params: {},
    capacity: { connections: 10, saturationMs: 1_000, stepMs: 1_000, stepFractions: [0.25, 0.5] },
  },
});
