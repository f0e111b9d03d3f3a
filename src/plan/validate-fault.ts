/**
 * Checks a fault spec against the run it will be injected into, so a bad fault (or a CLI
 * override that breaks it, such as `--duration` shorter than the baseline or `--instances 1`
 * for a failover) fails before anything starts, naming the field and the fix. What each kind
 * allows comes from its facts (FAULT_KIND_FACTS in src/model/fault-kinds.ts); the rules here
 * are the same for every kind.
 */

import {
  FAULT_KIND_FACTS,
  FAULT_KINDS,
  KIND_FIELDS,
  type KindField,
  type KindFieldRule,
} from "../model/fault-kinds.ts";
import type { FaultSpec, ScenarioParams } from "../model/scenario.ts";
import { UsageError } from "../util/usage-error.ts";

/** Shortest pre-fault baseline: the rates extra requests and bytes are judged against. */
export const MIN_FAULT_BASELINE_MS = 1_000;

type Fail = (message: string) => never;

/** Throws UsageError naming `where`, the field and the fix when `fault` cannot run with `params`. */
export function validateFault(fault: FaultSpec, params: ScenarioParams, where: string): void {
  const fail: Fail = (message) => {
    throw new UsageError(`${where}: ${message}`);
  };
  if (!FAULT_KINDS.includes(fault.kind)) {
    fail(`fault.kind '${String(fault.kind)}' is unknown; use one of ${FAULT_KINDS.join(", ")}`);
  }
  const facts = FAULT_KIND_FACTS[fault.kind];
  const atMs = whole(fault.atMs, "atMs", MIN_FAULT_BASELINE_MS, fail);
  const durationMs = whole(fault.durationMs, "durationMs", 0, fail);
  if (facts.duration === "instant" && durationMs !== 0) {
    fail(`fault.durationMs must be 0 for ${fault.kind} (the fault ends when the process is gone)`);
  }
  if (facts.duration === "lasting" && durationMs === 0) {
    fail(`fault.durationMs must be > 0 for ${fault.kind}`);
  }
  // The fault must be over inside the window, with at least a second left to see recovery start.
  if (atMs + durationMs + 1_000 > params.durationMs) {
    fail(
      `the fault (atMs ${atMs} + durationMs ${durationMs}) must end at least 1000 ms before the window ends (durationMs ${params.durationMs}); lengthen the window or move the fault earlier`,
    );
  }
  for (const field of KIND_FIELDS) {
    const rule = facts.fields[field];
    if (rule !== undefined) {
      checkKindField(fault, field, rule, params, fail);
    } else if (fault[field] !== undefined) {
      fail(`fault.${field} applies only to ${kindsReading(field)}`);
    }
  }
  if (params.instances < facts.minInstances) {
    fail(
      `${fault.kind} needs at least ${facts.minInstances} instances (got ${params.instances}); drop --instances or give ${facts.minInstances} or more`,
    );
  }
  if (fault.historyMaxLen !== undefined) whole(fault.historyMaxLen, "historyMaxLen", 1, fail);
  if (fault.serverArgs !== undefined) {
    if (!Array.isArray(fault.serverArgs) || fault.serverArgs.some((a) => typeof a !== "string")) {
      fail("fault.serverArgs must be a list of strings (npm run server flags)");
    }
  }
}

function checkKindField(
  fault: FaultSpec,
  field: KindField,
  rule: KindFieldRule,
  params: ScenarioParams,
  fail: Fail,
): void {
  const value = fault[field];
  if (rule.type === "whole") {
    whole(value, field, rule.min, fail);
    return;
  }
  if (typeof value !== "number" || !(value > 0 && value <= 1)) {
    fail(`fault.${field} ${JSON.stringify(value)} must be a number in (0, 1] for ${fault.kind}`);
  }
  if (Math.round(value * params.clients) < 1) {
    fail(`fault.${field} ${value} of ${params.clients} clients targets nobody; raise one of them`);
  }
}

function whole(value: unknown, name: string, min: number, fail: Fail): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    return fail(`fault.${name} ${JSON.stringify(value)} must be a whole number >= ${min}`);
  }
  return value;
}

/** The kinds that read `field`, in FAULT_KINDS order: "a", "a and b", "a, b and c". */
function kindsReading(field: KindField): string {
  const kinds = FAULT_KINDS.filter((kind) => FAULT_KIND_FACTS[kind].fields[field] !== undefined);
  const last = kinds.pop() ?? "no kind";
  return kinds.length > 0 ? `${kinds.join(", ")} and ${last}` : last;
}
