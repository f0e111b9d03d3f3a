/**
 * PLACEHOLDER (being implemented): a capacity run drives a polling endpoint with autocannon.
 */
import type { CapacitySpec } from "../../scenarios/types.ts";
import type { PlannedRun } from "../../scenarios/resolve-runs.ts";
import type { ProgressState } from "../bench/progress.ts";
import type { CapacityResult } from "../results/schema.ts";

export interface RunCapacityOptions {
  planned: PlannedRun & { capacity: CapacitySpec };
  redisUrl: string;
  keyPrefix: string;
  signal: AbortSignal;
  onProgress(update: Pick<ProgressState, "phase" | "connected" | "delivered">): void;
}

export async function runCapacity(options: RunCapacityOptions): Promise<CapacityResult> {
  throw new Error(`capacity runs are not implemented yet (${options.planned.scenario})`);
}
