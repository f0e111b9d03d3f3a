/**
 * Which scenarios can run against an external server. The bench does not own that process or
 * its store, so a scenario that kills, restarts or multiplies our servers, stops Redis, trims
 * its history or drives our routes with autocannon cannot run there. Decided from the
 * scenario's fields, not its id, so a new scenario is judged by what it does.
 */

import { FAULT_KIND_FACTS } from "../model/fault-kinds.ts";
import type { Scenario } from "../model/scenario.ts";

/** Why `scenario` cannot run against `--target`, or null when it can. */
export function whyNotForTarget(scenario: Scenario): string | null {
  // A fault that acts on our server processes or our Redis says so in its kind's facts.
  const faultKind = scenario.fault?.kind;
  const faultReason = faultKind === undefined ? null : FAULT_KIND_FACTS[faultKind].needsOwnServers;
  if (faultReason !== null) return faultReason;
  if (scenario.capacity) return "it drives our own servers' routes with autocannon";
  if (scenario.delivery?.path?.proxy === "nginx" || scenario.delivery?.variants !== undefined) {
    return "it puts the bench's own nginx (TLS, HTTP/2) in front of our servers";
  }
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
