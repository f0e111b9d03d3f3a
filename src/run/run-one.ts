/**
 * One run: one scenario step against one strategy, from fresh server processes to a RunResult.
 *
 *   start the rig -> warm the route -> baseline -> ramp -> publish warm-up -> measured window
 *   -> drain -> fault outcome -> judge -> result -> close the rig
 *
 * The rig (rig.ts) owns every process and socket; the phases (connect-phases.ts,
 * measure-phases.ts) return snapshots (snapshots.ts); the judge (judge.ts) and the result
 * builder (build-result.ts) are pure functions of them.
 */

import type { ClientBounds } from "../driver/clients/client-bounds.ts";
import type { RunResult } from "../model/results.ts";
import type { PlannedRun } from "../plan/resolve-runs.ts";
import type { RedisHandle } from "../redis/managed-redis.ts";
import type { BenchTarget } from "../target/external-target.ts";
import { buildResult, DEFAULT_ENERGY_ASSUMPTIONS, type EnergyAssumptions } from "./build-result.ts";
import { rampUp, takeBaseline, warmUpServers } from "./connect-phases.ts";
import { judgeRun } from "./judge.ts";
import {
  drainDeliveries,
  measureWindow,
  redisWindowCost,
  warmUpPublishing,
} from "./measure-phases.ts";
import { physicsChecks } from "./physics-checks.ts";
import { Rig } from "./rig.ts";
import { type ProgressUpdate, RunProgress } from "./run-progress.ts";
import type { RunSnapshots } from "./snapshots.ts";

export interface RunOneOptions {
  planned: PlannedRun;
  /** The bench's Redis; null with `--target` (the external server has its own store). */
  redis: RedisHandle | null;
  /** An external server to measure instead of spawning ours (`--target`); null otherwise. */
  target: BenchTarget | null;
  /** Unique per run so runs never see each other's streams. */
  keyPrefix: string;
  signal: AbortSignal;
  /** What the clients put up with; default DEFAULT_CLIENT_BOUNDS. */
  clientBounds?: ClientBounds;
  /**
   * The radio the energy estimate replays the clients' traffic through, and the heartbeat our
   * servers run with (passed to them as `--heartbeat-ms`; null = their default, or --target).
   * Default: LTE and the servers' own 15 s.
   */
  energy?: EnergyAssumptions;
  /** `--driver-workers`: the clients in this many child processes; 0 or absent = here. */
  driverWorkers?: number;
  onProgress(update: ProgressUpdate): void;
}

export async function runOne(options: RunOneOptions): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  options.onProgress({ phase: "starting", connected: 0, delivered: 0 });
  const energy = options.energy ?? DEFAULT_ENERGY_ASSUMPTIONS;
  const rig = await Rig.start({ ...options, heartbeatMs: options.energy?.heartbeatMs ?? null });
  try {
    const result = await measure(rig, new RunProgress(options.onProgress), startedAt, energy);
    result.warnings.push(...(await rig.close()));
    return result;
  } finally {
    await rig.close();
  }
}

async function measure(
  rig: Rig,
  progress: RunProgress,
  startedAt: string,
  energy: EnergyAssumptions,
): Promise<RunResult> {
  const { planned } = rig;
  await warmUpServers(rig);
  const baseline = await takeBaseline(rig);
  const ramp = await rampUp(rig, progress);
  const publisher = await warmUpPublishing(rig, progress);
  const window = await measureWindow(rig, progress);
  const { drain, receipts } = await drainDeliveries(rig, progress, publisher);
  const fault = (await rig.faultRun?.finish(drain.delivery)) ?? null;
  const restartsRedis = rig.faultRun?.kind.restartsRedis ?? false;
  const redis = redisWindowCost(window.redisBefore, window.redisAfter, restartsRedis);
  const snapshots: RunSnapshots = {
    startedAt,
    baseline,
    ramp,
    window,
    drain,
    fault,
    receipts,
    redis,
  };
  const verdict = judgeRun({
    params: planned.params,
    plannedWarnings: planned.warnings,
    snapshots,
  });
  const result = buildResult(planned, snapshots, verdict, {
    ...energy,
    // the servers are not ours: their heartbeat is unknown
    heartbeatMs: rig.fleet === null ? null : energy.heartbeatMs,
  });
  result.warnings.push(...physicsChecks(result));
  progress.report("done", drain.delivery.delivered);
  return result;
}
