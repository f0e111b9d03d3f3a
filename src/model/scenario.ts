/**
 * Scenarios are data-only objects: a workload that is driven identically against every
 * strategy. A scenario with `steps` is a sweep: every step is one run per strategy, with the
 * step's overrides applied on top of the base parameters.
 *
 * The types are inferred from the one schema (src/model/scenario-schema.ts), which is also what
 * validates a built-in scenario, a `--scenario-file` and docs/scenario.schema.json; what each
 * field means is said there and in the parameter table (src/model/param-limits.ts).
 */
import type { z } from "zod";
import type {
  ParsedScenario,
  resolvedParamsSchema,
  ScenarioDefinition,
} from "./scenario-schema.ts";

export type { Fanout, PublishModel } from "./param-limits.ts";
export type { ScenarioDefinition };

/** Parameters of one run. Every field is resolved (no defaults left) before a run starts. */
export type ScenarioParams = z.output<typeof resolvedParamsSchema>;

/** A validated scenario, defaults filled in: what the planner reads. */
export type Scenario = ParsedScenario;

/**
 * A capacity scenario drives the polling endpoints with autocannon instead of simulated users:
 * a closed loop finds the saturation rate, then rate-limited steps find the highest rate the
 * server sustains with p99 under a bound.
 */
export type CapacitySpec = NonNullable<Scenario["capacity"]>;

/**
 * A fault injected once into the measured window. The window before `atMs` is the pre-fault
 * baseline (the rates extra requests and bytes are measured against); the rest is the fault and
 * the recovery. See docs/methodology.md, "Faults".
 */
export type FaultSpec = NonNullable<Scenario["fault"]>;

/** One point of a sweep: overrides applied on top of the base params. */
export type ScenarioStep = NonNullable<Scenario["sweep"]>["steps"][number];
