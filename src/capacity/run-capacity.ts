/**
 * One capacity run: how many requests per second one server process of a polling strategy
 * answers, and so how many clients it can carry.
 *
 *   start server -> seed one notification per user -> warm-up (discarded)
 *   -> closed loop to saturation -> rate-limited steps at fractions of that rate
 *   -> highest sustained rate (p99 under the bound, no errors) -> clients per process
 *
 * The load comes from autocannon in this (the driver's) process, not from simulated users.
 * Request choice, and why:
 * - short polling asks each user's stream for what lies after its newest notification: an
 *   empty answer, the poll that makes up almost all short-polling traffic;
 * - long polling asks from cursor 0-0 for users that have a notification, so every request is
 *   answered at once: the cost of one long-poll answer. A held request would measure the hold
 *   (time), not the server (work), and a closed loop of held requests never saturates anything.
 */

import { startServerProcess } from "../fleet/server-process.ts";
import { judgeDriverHealth, startSelfCheck } from "../metrics/driver-self-check.ts";
import { readProcStats } from "../metrics/proc-stats.ts";
import { startProcessSampler } from "../metrics/process-sampler.ts";
import type { CapacityResult, CapacityStep } from "../model/results.ts";
import type { CapacitySpec } from "../model/scenario.ts";
import type { StrategyId } from "../model/strategies.ts";
import { openNotificationSource } from "../notifications/index.ts";
import type { PlannedRun } from "../plan/resolve-runs.ts";
import { CAPACITY_STRATEGIES } from "../plan/validate-scenario.ts";
import type { ProgressState } from "../util/progress.ts";
import { sleep } from "../util/sleep.ts";
import { runLoad } from "./autocannon-load.ts";
import {
  deriveClientsPerProcess,
  selectMaxSustained,
  stepTargets,
  unsustainedReasons,
} from "./capacity-math.ts";

export interface RunCapacityOptions {
  planned: PlannedRun & { capacity: CapacitySpec };
  redisUrl: string;
  keyPrefix: string;
  signal: AbortSignal;
  onProgress(update: Pick<ProgressState, "phase" | "connected" | "delivered">): void;
}

/** Users seeded with one notification each; the requests cycle through all of them. */
export const CAPACITY_USERS = 100;
/** Requests of the discarded warm-up, per connection (JIT, sockets, Redis pipeline). */
export const WARMUP_REQUESTS_PER_CONNECTION = 20;
/** autocannon request timeout, seconds: far above any p99 bound, far below a long-poll hold. */
export const REQUEST_TIMEOUT_SEC = 5;
/** Pause between measurements so one step's backlog never leaks into the next, ms. */
export const PAUSE_BETWEEN_STEPS_MS = 100;
/**
 * Below this share of one core during the closed loop the server was not the bottleneck
 * (the driver, Redis or other load on the machine was), which is worth a warning.
 */
export const SERVER_BUSY_SHARE = 0.8;

/** Strategies with a request/response route autocannon can drive. */
const POLLING: readonly StrategyId[] = CAPACITY_STRATEGIES;

export function capacityRoute(strategy: StrategyId, holdMs: number): string {
  return strategy === "long-polling"
    ? `GET /api/notifications/:userId/poll?after=0-0&timeoutMs=${holdMs} (answered at once: the user has a notification)`
    : "GET /api/notifications/:userId?after=<cursor of the user's newest notification> (an empty answer)";
}

export async function runCapacity(options: RunCapacityOptions): Promise<CapacityResult> {
  const { planned, signal } = options;
  const spec = planned.capacity;
  const strategy = planned.strategy;
  if (!POLLING.includes(strategy)) {
    throw new Error(
      `capacity runs drive request/response routes only (${CAPACITY_STRATEGIES.join(", ")}); '${strategy}' has none`,
    );
  }
  const holdMs = planned.params.longPollHoldMs;
  // planned.warnings describe the simulated-user phases (window vs interval, --clients), which
  // a capacity run does not have, so they are not carried over.
  const warnings: string[] = [];
  const invalidReasons: string[] = [];
  const progress = (phase: ProgressState["phase"]): void =>
    options.onProgress({ phase, connected: 0, delivered: 0 });

  progress("starting");
  signal.throwIfAborted();
  const source = await openNotificationSource({
    redisUrl: options.redisUrl,
    keyPrefix: options.keyPrefix,
  });
  let server: Awaited<ReturnType<typeof startServerProcess>> | null = null;
  let sampler: ReturnType<typeof startProcessSampler> | null = null;
  try {
    server = await startServerProcess({
      strategy,
      redisUrl: options.redisUrl,
      keyPrefix: options.keyPrefix,
    });
    sampler = startProcessSampler(server.pid, { intervalMs: 250, countSockets: false });

    // Seed: one notification per user, so every request has a real answer to compute.
    const paths: string[] = [];
    for (let i = 1; i <= CAPACITY_USERS; i++) {
      signal.throwIfAborted();
      const userId = `user-${i}`;
      const note = await source.publish(userId, {
        title: "capacity",
        message: "x".repeat(planned.params.payloadBytes),
      });
      paths.push(
        strategy === "long-polling"
          ? `/api/notifications/${userId}/poll?after=0-0&timeoutMs=${holdMs}`
          : `/api/notifications/${userId}?after=${encodeURIComponent(note.id)}`,
      );
    }
    const load = (extra: { durationSec?: number; amount?: number; overallRate?: number }) =>
      runLoad({
        url: server?.url ?? new URL("http://127.0.0.1"),
        paths,
        connections: spec.connections,
        timeoutSec: REQUEST_TIMEOUT_SEC,
        signal,
        ...extra,
      });

    // Warm-up (discarded): JIT, keep-alive sockets, Redis connections.
    progress("warm-up");
    const warmup = await load({ amount: spec.connections * WARMUP_REQUESTS_PER_CONNECTION });
    if (warmup.requests === 0) {
      throw new Error(
        `the server answered no warm-up request (${warmup.errors} errors, ${warmup.timeouts} timeouts, ${warmup.non2xx} non-2xx): ${server.stderrTail()}`,
      );
    }
    await sleep(PAUSE_BETWEEN_STEPS_MS, signal);

    // Closed loop: every connection sends its next request as soon as the answer arrives.
    progress("measuring");
    const driverCheck = startSelfCheck();
    const serverBefore = await readProcStats(server.pid, { countSockets: false });
    const saturationStartMs = performance.now();
    const saturation = await load({ durationSec: spec.saturationMs / 1000 });
    const saturationWallSec = (performance.now() - saturationStartMs) / 1000;
    const serverAfter = await readProcStats(server.pid, { countSockets: false });
    const driver = driverCheck.stop();
    const driverHealth = judgeDriverHealth(driver);
    invalidReasons.push(
      ...driverHealth.reasons.map(
        (reason) =>
          `closed loop: ${reason} (autocannon runs in the driver process, so the saturation rate is the driver's)`,
      ),
    );
    const serverShare =
      saturationWallSec > 0
        ? (serverAfter.cpuSeconds - serverBefore.cpuSeconds) / saturationWallSec
        : 0;
    if (driverHealth.valid && serverShare < SERVER_BUSY_SHARE) {
      warnings.push(
        `the server used ${Math.round(serverShare * 100)} % of one core in the closed loop (driver ${Math.round(driver.cpuUtilization * 100)} %): something else on the machine (Redis, the driver, other load) set part of the limit`,
      );
    }
    if (saturation.requests === 0) {
      invalidReasons.push(
        `the closed loop got no successful answer (${saturation.errors} errors, ${saturation.timeouts} timeouts, ${saturation.non2xx} non-2xx)`,
      );
    } else if (saturation.errors + saturation.timeouts + saturation.non2xx > 0) {
      warnings.push(
        `closed loop: ${saturation.errors} connection errors, ${saturation.timeouts} timeouts, ${saturation.non2xx} non-2xx answers at saturation`,
      );
    }

    // Rate-limited steps at fractions of the saturation rate, lowest first.
    const steps: CapacityStep[] = [];
    if (saturation.requests > 0) {
      for (const target of stepTargets(saturation.achievedRps, spec.stepFractions)) {
        await sleep(PAUSE_BETWEEN_STEPS_MS, signal);
        progress("measuring");
        const stepCheck = startSelfCheck();
        const step = await load({ durationSec: spec.stepMs / 1000, overallRate: target });
        const stepDriver = judgeDriverHealth(stepCheck.stop());
        if (!stepDriver.valid) {
          warnings.push(`step at ${target} requests/s: ${stepDriver.reasons.join("; ")}`);
        }
        steps.push(step);
      }
    }
    const selection = selectMaxSustained(steps, spec.p99BoundMs);
    warnings.push(...selection.warnings);
    if (steps.length > 0 && selection.maxSustainedRps === null) {
      const first = steps[0];
      invalidReasons.push(
        `no rate-limited step was sustained, not even the lowest (${first?.targetRps} requests/s: ${first ? unsustainedReasons(first, spec.p99BoundMs).join(", ") : "not run"}); the machine is too busy to measure capacity`,
      );
    }
    progress("done");
    const serverStats = await sampler.stop();
    return {
      scenario: planned.scenario,
      strategy,
      route: capacityRoute(strategy, holdMs),
      connections: spec.connections,
      saturationMs: spec.saturationMs,
      stepMs: spec.stepMs,
      p99BoundMs: spec.p99BoundMs,
      saturation,
      steps,
      maxSustainedRps: selection.maxSustainedRps,
      clientsPerProcess: deriveClientsPerProcess(
        strategy,
        selection.maxSustainedRps,
        spec.intervalsMs,
        holdMs,
      ),
      server: { cpuSeconds: serverStats.cpuSeconds, peakRssBytes: serverStats.peakRssBytes },
      valid: invalidReasons.length === 0,
      invalidReasons,
      warnings,
    };
  } finally {
    await sampler?.stop().catch(() => undefined);
    await source.close();
    if (server) {
      const exitCode = await server.stop();
      if (exitCode !== 0 && exitCode !== null && !signal.aborted) {
        warnings.push(`server exited with code ${exitCode} on shutdown: ${server.stderrTail()}`);
      }
    }
  }
}
