import { BASE_PARAMS, QUICK_PHASES } from "./defaults.ts";
import type { Scenario } from "./types.ts";

/** The steady workload on two server processes: the fan-out goes through Redis, not memory. */
export const twoInstances: Scenario = {
  id: "two-instances",
  description:
    "With 1,000 users spread over two server processes on one Redis, does every notification still arrive once, and does latency stay where it was with one process?",
  // Opt-in (--scenario two-instances or all): the default suite keeps to its 10-minute budget.
  defaultSuite: false,
  params: {
    ...BASE_PARAMS,
    clients: 1_000,
    // The steady scenario's rate, so the two are directly comparable.
    ratePerSec: 0.1,
    rampMs: 2_000,
    warmupMs: 2_000,
    durationMs: 10_000,
    drainMs: 2_000,
    instances: 2,
  },
  quick: {
    params: { ...QUICK_PHASES, ratePerSec: 1 },
  },
};
