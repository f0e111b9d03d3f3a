/**
 * The pure half of a capacity run: which rates the steps ask for, which steps count as
 * sustained, and how a sustained request rate turns into "clients one server process can serve".
 */
import type { CapacityStep, ClientsPerProcess } from "../model/results.ts";
import type { StrategyId } from "../model/strategies.ts";

/** A step is sustained only when it achieved at least this share of its target rate. */
export const MIN_ACHIEVED_RATIO = 0.95;

/**
 * Overall rates of the rate-limited steps: each fraction of the saturation rate, rounded to a
 * whole request per second (autocannon's rate limit is an integer), at least 1.
 */
export function stepTargets(saturationRps: number, fractions: readonly number[]): number[] {
  return fractions.map((fraction) => Math.max(1, Math.round(saturationRps * fraction)));
}

/** Why a step does not count as sustained; empty when it does. */
export function unsustainedReasons(step: CapacityStep, p99BoundMs: number): string[] {
  const reasons: string[] = [];
  if (!(step.p99Ms < p99BoundMs)) reasons.push(`p99 ${step.p99Ms} ms >= ${p99BoundMs} ms`);
  if (step.errors > 0) reasons.push(`${step.errors} connection errors`);
  if (step.timeouts > 0) reasons.push(`${step.timeouts} timeouts`);
  if (step.non2xx > 0) reasons.push(`${step.non2xx} non-2xx answers`);
  if (step.targetRps !== null && step.achievedRps < MIN_ACHIEVED_RATIO * step.targetRps) {
    reasons.push(
      `achieved ${Math.round(step.achievedRps)} of ${step.targetRps} requests/s (< ${MIN_ACHIEVED_RATIO * 100} %)`,
    );
  }
  if (step.requests === 0) reasons.push("no successful request");
  return reasons;
}

export function isSustained(step: CapacityStep, p99BoundMs: number): boolean {
  return unsustainedReasons(step, p99BoundMs).length === 0;
}

export interface SustainedSelection {
  /** Achieved rate of the highest sustained step below the first failed one; null when none. */
  maxSustainedRps: number | null;
  /** Index (in ascending target order) of that step; null when none. */
  stepIndex: number | null;
  warnings: string[];
}

/**
 * The highest rate the server sustains: walking the steps from the lowest target up, the last
 * sustained step before the first one that is not. "Sustains" means every lower load worked too,
 * so a step that passes above a failed one (noise on a shared machine) does not raise the answer;
 * it is reported as a warning instead.
 */
export function selectMaxSustained(
  steps: readonly CapacityStep[],
  p99BoundMs: number,
): SustainedSelection {
  const ordered = steps
    .map((step, index) => ({ step, index }))
    .sort((a, b) => (a.step.targetRps ?? 0) - (b.step.targetRps ?? 0));
  let best: { step: CapacityStep; index: number } | null = null;
  let firstFailure: CapacityStep | null = null;
  const warnings: string[] = [];
  for (const entry of ordered) {
    const sustained = isSustained(entry.step, p99BoundMs);
    if (firstFailure === null) {
      if (sustained) best = entry;
      else firstFailure = entry.step;
    } else if (sustained) {
      warnings.push(
        `the step at ${entry.step.targetRps} requests/s held the bound although the lower step at ${firstFailure.targetRps} requests/s did not; the machine was noisy, so the lower rate is reported`,
      );
    }
  }
  return {
    maxSustainedRps: best === null ? null : best.step.achievedRps,
    stepIndex: best === null ? null : best.index,
    warnings,
  };
}

/** "1 s", "500 ms", "1.5 min" for labels. */
export function formatInterval(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Number((ms / 1000).toPrecision(3))} s`;
  return `${Number((ms / 60_000).toPrecision(3))} min`;
}

/**
 * Requests per second one long-poll client makes when notified every `intervalMs` with a hold
 * of `holdMs`: one answer per notification plus one per hold that expires in between. With
 * notifications every T and holds of H, a client re-polls ceil(T / H) times per notification
 * (T < H: the one poll that the notification answers; T = 30 s, H = 25 s: one expired hold and
 * one answer), so the rate is ceil(T / H) / T.
 */
export function longPollRequestsPerSec(intervalMs: number, holdMs: number): number {
  return Math.ceil(intervalMs / holdMs) / (intervalMs / 1000);
}

/**
 * Clients one server process can serve at `maxSustainedRps`, for each interval:
 * short polling polls every interval (1000 / interval requests per second per client);
 * long polling is notified every interval with a hold of `holdMs` (see longPollRequestsPerSec).
 */
export function deriveClientsPerProcess(
  strategy: StrategyId,
  maxSustainedRps: number | null,
  intervalsMs: readonly number[],
  holdMs: number,
): ClientsPerProcess[] {
  return intervalsMs.map((intervalMs) => {
    const requestsPerClientPerSec =
      strategy === "long-polling" ? longPollRequestsPerSec(intervalMs, holdMs) : 1000 / intervalMs;
    const label =
      strategy === "long-polling"
        ? `long polling, a notification every ${formatInterval(intervalMs)} (${formatInterval(holdMs)} hold)`
        : `short polling every ${formatInterval(intervalMs)}`;
    return {
      label,
      requestsPerClientPerSec,
      clients:
        maxSustainedRps === null ? null : Math.floor(maxSustainedRps / requestsPerClientPerSec),
    };
  });
}
