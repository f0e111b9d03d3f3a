import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";
import { steady } from "./steady.ts";

/**
 * The steady workload on two server processes: the fan-out goes through Redis, not memory.
 * Derived from `steady` (only `instances` differs) so the two stay directly comparable.
 */
export const twoInstances: Scenario = defineScenario({
  id: "two-instances",
  description:
    "With 1,000 users spread over two server processes on one Redis, does every notification still arrive once, and does latency stay where it was with one process?",
  // Opt-in (--scenario two-instances or all): the default suite keeps to its 10-minute budget.
  defaultSuite: false,
  params: { ...steady.params, instances: 2 },
  quick: steady.quick,
});
