/**
 * Which scenarios can run against an external server. The bench does not own that process or
 * its store, so a scenario that kills, restarts or multiplies our servers, stops Redis, trims
 * its history or drives our routes with autocannon cannot run there. Decided from the
 * scenario's fields, not its id, so a new scenario is judged by what it does.
 */

import type { FaultKind } from "../model/fault-kinds.ts";
import type { Scenario } from "../model/scenario.ts";

/** Fault kinds that act on our server processes or our Redis, and why. */
export const OWN_SERVER_FAULTS: Readonly<Partial<Record<FaultKind, string>>> = {
  "server-restart": "it kills and restarts our server process",
  "instance-failover": "it kills one of our server instances",
  "redis-blip": "it stops our Redis",
  "history-trimmed": "it trims our Redis history",
};

/** Why `scenario` cannot run against `--target`, or null when it can. */
export function whyNotForTarget(scenario: Scenario): string | null {
  const faultKind = scenario.fault?.kind;
  const faultReason = faultKind === undefined ? undefined : OWN_SERVER_FAULTS[faultKind];
  if (faultReason !== undefined) return faultReason;
  if (scenario.capacity) return "it drives our own servers' routes with autocannon";
  const instances = Math.max(
    scenario.params.instances,
    scenario.quick.params.instances ?? 1,
    ...(scenario.sweep?.steps ?? []).map((step) => step.overrides.instances ?? 1),
    ...(scenario.quick.steps ?? []).map((step) => step.overrides.instances ?? 1),
  );
  if (instances > 1) return `it starts ${instances} of our server processes`;
  return null;
}

/** The ids of `scenarios` that can run against `--target`, in order. */
export function targetScenarioIds(scenarios: readonly Scenario[]): string[] {
  return scenarios.filter((s) => whyNotForTarget(s) === null).map((s) => s.id);
}
