import type { Scenario } from "../src/model/scenario.ts";
import { DEFAULT_LONG_POLL_HOLD_MS } from "./defaults.ts";
import { defineScenario } from "./define-scenario.ts";

/** Nothing to deliver: the pure cost of waiting. */
export const idle: Scenario = defineScenario({
  id: "idle",
  description:
    "With 2,000 connected users and no notifications at all, what does merely waiting cost each strategy (requests, bytes, CPU, memory)?",
  params: {
    clients: 2_000,
    ratePerSec: 0,
    rampMs: 2_000,
    warmupMs: 1_000,
    // Exactly one long-poll hold: every client's hold expires once inside the window (holds
    // start during the 2 s ramp, so they expire 22-24 s into the window), and because the
    // window is a whole number of holds, requests per client-minute come out exact instead
    // of being rounded by where the window happens to cut the re-poll cycle.
    durationMs: DEFAULT_LONG_POLL_HOLD_MS,
    // Nothing is expected, so the drain ends at once; this is only an upper bound.
    drainMs: 500,
  },
  quick: {
    // A 500 ms hold in a 1 s window: two expiries per client, still a whole number of holds.
    params: { longPollHoldMs: 500 },
  },
});
