/**
 * Whether a run's numbers can be trusted, and what is worth knowing about them: a pure function
 * of the run's snapshots. Invalid reasons and warnings keep the order in which the run
 * meets them, so results read the same from one version to the next.
 */

import { judgeDriverHealth } from "../metrics/driver-self-check.ts";
import type { ScenarioParams } from "../model/scenario.ts";
import type { RunSnapshots } from "./snapshots.ts";

export interface Verdict {
  valid: boolean;
  invalidReasons: string[];
  /** The plan's warnings, what could not be read, then the judge's own. */
  warnings: string[];
}

export interface JudgeInput {
  params: Pick<ScenarioParams, "drainMs">;
  /** The plan's warnings for this run (e.g. an override that was not applied). */
  plannedWarnings: readonly string[];
  snapshots: RunSnapshots;
}

export function judgeRun(input: JudgeInput): Verdict {
  const invalidReasons = invalidReasonsOf(input.snapshots);
  const { ramp, window, fault } = input.snapshots;
  const warnings = [
    ...input.plannedWarnings,
    ...ramp.notes,
    ...window.notes,
    ...(fault?.notes ?? []),
    ...warningsOf(input.snapshots, input.params.drainMs),
  ];
  return { valid: invalidReasons.length === 0, invalidReasons, warnings };
}

function invalidReasonsOf(s: RunSnapshots): string[] {
  const { ramp, window, drain, fault, receipts } = s;
  const reasons: string[] = [];
  if (!ramp.allConnected) {
    reasons.push(
      `only ${ramp.connected} of ${ramp.clients} clients connected within ${ramp.graceMs} ms after the ramp`,
    );
  }
  if (window.abortReason !== null) reasons.push(window.abortReason);
  if (fault?.failure) reasons.push(fault.failure);
  // Publishes refused while Redis was away are the redis-blip fault itself, not bad input.
  const unexpectedPublishFailures = drain.publisher.errors - (fault?.expectedPublishFailures ?? 0);
  if (unexpectedPublishFailures > 0) {
    reasons.push(
      `${unexpectedPublishFailures} publishes failed (first: ${drain.publisher.firstError}); the input was not what the scenario asked for`,
    );
  }
  if (receipts.foreignNotifications > 0) {
    reasons.push(`${receipts.foreignNotifications} notifications reached the wrong user`);
  }
  if (receipts.unrecognized > 0) {
    reasons.push(
      `${receipts.unrecognized} received notifications carried no push-vs-poll marker (an object with userId, seq and intendedAtUs, as published); the server must pass the published body through`,
    );
  }
  reasons.push(...judgeDriverHealth(driverWorkOf(window)).reasons);
  return reasons;
}

/**
 * The driver's CPU with the publisher's clock polling taken out: that polling spins on
 * setImmediate only to hit intended times to the microsecond, and yields to I/O on every
 * turn, so it is waiting, not load. Counting it would call a driver saturated that is idle.
 */
export function driverWorkOf(window: RunSnapshots["window"]): {
  cpuUtilization: number;
  eventLoopDelayP99Ms: number;
} {
  const { driver, measuredMs, publisherPollingUs, driverProcesses } = window;
  const pollingShare = measuredMs > 0 ? publisherPollingUs / 1000 / measuredMs : 0;
  if (driverProcesses) {
    // the publisher polls in the coordinator only; each process is one event loop
    const { coordinator, workers } = driverProcesses;
    return {
      cpuUtilization: Math.max(
        0,
        coordinator.cpuUtilization - pollingShare,
        ...workers.map((w) => w.cpuUtilization),
      ),
      eventLoopDelayP99Ms: Math.max(
        coordinator.eventLoopDelayP99Ms,
        ...workers.map((w) => w.eventLoopDelayP99Ms),
      ),
    };
  }
  return {
    cpuUtilization: Math.max(0, driver.cpuUtilization - pollingShare),
    eventLoopDelayP99Ms: driver.eventLoopDelayP99Ms,
  };
}

function warningsOf(s: RunSnapshots, drainMs: number): string[] {
  const { window, drain, fault, redis } = s;
  const { delivery } = drain;
  const warnings: string[] = [];
  if (delivery.lost > 0) {
    warnings.push(`${delivery.lost} notifications not delivered within the ${drainMs} ms drain`);
  }
  if (delivery.duplicates > 0) {
    warnings.push(`${delivery.duplicates} notifications delivered twice`);
  }
  const errors = window.statsEnd.errors - window.statsStart.errors;
  if (errors > 0) warnings.push(`${errors} client requests failed during the window`);
  if (fault && !fault.result.recovered && fault.failure === null) {
    warnings.push(
      `did not recover from ${fault.result.kind} before the drain ended (${fault.result.reconnectedClients} of ${fault.result.disruptedClients} disrupted clients back)`,
    );
  }
  const lagMs = drain.publisher.maxIssueLagUs / 1000;
  if (lagMs > 100) {
    warnings.push(
      `the publisher issued a notification up to ${lagMs.toFixed(0)} ms after its intended time; that delay is inside the latency, as it should be`,
    );
  }
  if (redis.restartedInWindow) {
    warnings.push(
      "Redis was restarted inside the window, so its command and CPU counters cover only part of it: not reported",
    );
  }
  return warnings;
}
