/**
 * Checks a fault spec against the run it will be injected into, so a bad fault (or a CLI
 * override that breaks it, such as `--duration` shorter than the baseline or `--instances 1`
 * for a failover) fails before anything starts, naming the field and the fix.
 */

import { FAULT_KINDS, type FaultKind } from "../model/fault-kinds.ts";
import type { FaultSpec, ScenarioParams } from "../model/scenario.ts";
import { UsageError } from "../util/usage-error.ts";

/** Faults that end at once: the killed server restarts as fast as it can, or stays dead. */
const INSTANTANEOUS: readonly FaultKind[] = ["server-restart", "instance-failover"];

/** Shortest pre-fault baseline: the rates extra requests and bytes are judged against. */
export const MIN_FAULT_BASELINE_MS = 1_000;

/** Throws UsageError naming `where`, the field and the fix when `fault` cannot run with `params`. */
export function validateFault(fault: FaultSpec, params: ScenarioParams, where: string): void {
  const fail = (message: string): never => {
    throw new UsageError(`${where}: ${message}`);
  };
  if (!FAULT_KINDS.includes(fault.kind)) {
    fail(`fault.kind '${String(fault.kind)}' is unknown; use one of ${FAULT_KINDS.join(", ")}`);
  }
  const whole = (value: unknown, name: string, min: number): number => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      return fail(`fault.${name} ${JSON.stringify(value)} must be a whole number >= ${min}`);
    }
    return value;
  };
  const atMs = whole(fault.atMs, "atMs", MIN_FAULT_BASELINE_MS);
  const durationMs = whole(fault.durationMs, "durationMs", 0);
  if (INSTANTANEOUS.includes(fault.kind) && durationMs !== 0) {
    fail(`fault.durationMs must be 0 for ${fault.kind} (the fault ends when the process is gone)`);
  }
  if (!INSTANTANEOUS.includes(fault.kind) && durationMs === 0) {
    fail(`fault.durationMs must be > 0 for ${fault.kind}`);
  }
  // The fault must be over inside the window, with at least a second left to see recovery start.
  if (atMs + durationMs + 1_000 > params.durationMs) {
    fail(
      `the fault (atMs ${atMs} + durationMs ${durationMs}) must end at least 1000 ms before the window ends (durationMs ${params.durationMs}); lengthen the window or move the fault earlier`,
    );
  }
  if (fault.kind === "slow-consumer" || fault.kind === "history-trimmed") {
    const share = fault.clientShare;
    if (typeof share !== "number" || !(share > 0 && share <= 1)) {
      fail(
        `fault.clientShare ${JSON.stringify(share)} must be a number in (0, 1] for ${fault.kind}`,
      );
    }
    if (Math.round((share ?? 0) * params.clients) < 1) {
      fail(
        `fault.clientShare ${share} of ${params.clients} clients targets nobody; raise one of them`,
      );
    }
  } else if (fault.clientShare !== undefined) {
    fail(`fault.clientShare applies only to slow-consumer and history-trimmed`);
  }
  if (fault.kind === "slow-consumer") {
    whole(fault.slowReadBytesPerSec, "slowReadBytesPerSec", 1);
  } else if (fault.slowReadBytesPerSec !== undefined) {
    fail("fault.slowReadBytesPerSec applies only to slow-consumer");
  }
  if (fault.kind === "history-trimmed") {
    whole(fault.keepHistory, "keepHistory", 0);
  } else if (fault.keepHistory !== undefined) {
    fail("fault.keepHistory applies only to history-trimmed");
  }
  if (fault.kind === "instance-failover" && params.instances < 2) {
    fail(
      `instance-failover needs at least 2 instances (got ${params.instances}); drop --instances or give 2 or more`,
    );
  }
  if (fault.historyMaxLen !== undefined) whole(fault.historyMaxLen, "historyMaxLen", 1);
  if (fault.serverArgs !== undefined) {
    if (!Array.isArray(fault.serverArgs) || fault.serverArgs.some((a) => typeof a !== "string")) {
      fail("fault.serverArgs must be a list of strings (npm run server flags)");
    }
  }
}

/** Which clients (by index) a fault with `clientShare` targets: evenly spread, deterministic. */
export function targetedClientIndexes(clients: number, share: number | undefined): number[] {
  const count = share === undefined ? clients : Math.max(1, Math.round(share * clients));
  const indexes: number[] = [];
  for (let k = 0; k < count; k++) indexes.push(Math.floor((k * clients) / count));
  return indexes;
}
