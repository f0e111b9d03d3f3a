/**
 * The whole bench: one Redis, then every planned run (scenario × step × repetition ×
 * strategy) in order, each with a fresh server process; with `--until-confident`, more
 * interleaved repetitions of a step until its differences are resolved (src/bench/sampling.ts
 * decides); then one validated results file, with its summaries, and the report.
 */

import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCapacity } from "../capacity/run-capacity.ts";
import { type BenchOptions, scenarioOf, workloadPlanOptions } from "../cli/bench-options.ts";
import { measureInstrumentFloor } from "../driver/instrument-floor.ts";
import { collectEnvironment } from "../metrics/environment-info.ts";
import { measureMachineJitter } from "../metrics/machine-jitter.ts";
import {
  type BenchResults,
  type CapacityResult,
  type FailedRun,
  type InstrumentFloor,
  RESULTS_SCHEMA_VERSION,
  type RunResult,
  type SamplingInfo,
} from "../model/results.ts";
import { TOOL_VERSION } from "../model/tool-version.ts";
import { openNotificationSource } from "../notifications/notification-source.ts";
import type { NotificationSource } from "../notifications/types.ts";
import {
  estimatePlanMs,
  type PlannedRun,
  type ResolvedPlan,
  resolvePlan,
} from "../plan/resolve-runs.ts";
import {
  checkExternalTarget,
  checkPlanBounds,
  checkTarget,
  describeRunCount,
} from "../plan/safety.ts";
import { HAS_NGINX, NO_NGINX_REASON } from "../proxy/nginx-proxy.ts";
import { startRedis } from "../redis/managed-redis.ts";
import { summarizeRuns } from "../results/summarize-runs.ts";
import { validateResults } from "../results/validate-results.ts";
import { energyAssumptions } from "../run/build-result.ts";
import { runOne } from "../run/run-one.ts";
import { toResultsTarget } from "../target/external-target.ts";
import { loaderMode, publisherMode } from "../util/env-switches.ts";
import type { Progress, ProgressState } from "../util/progress.ts";
import { UsageError } from "../util/usage-error.ts";
import {
  decideStep,
  describeSampling,
  endedByOf,
  formatStepOutcome,
  nextRound,
  type PlanStep,
  stepBudgetMs,
  stepName,
  stepsOf,
  strategiesOf,
} from "./sampling.ts";

export interface BenchOutcome {
  results: BenchResults;
  runDir: string;
  resultsPath: string;
}

/**
 * The planned runs. With `--until-confident` these are the first rounds only (`repeat`
 * repetitions per step); the bench adds rounds as it goes.
 */
export function planBench(options: BenchOptions): ResolvedPlan {
  const scenarios = options.scenarios.map((id) => scenarioOf(options, id));
  const plan = resolvePlan(scenarios, {
    quick: options.quick,
    strategies: options.strategies,
    ...(options.repeat !== null ? { repeat: options.repeat } : {}),
    ...(options.clients !== undefined ? { clients: options.clients } : {}),
    ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
    ...(options.instances !== undefined ? { instances: options.instances } : {}),
    ...workloadPlanOptions(options),
    deliveryPath: options.deliveryPath,
  });
  skipProxyRunsWithoutNginx(plan);
  plan.warnings.push(...driverWorkerNotes(plan.runs, options.driverWorkers));
  const confident = options.untilConfident;
  if (confident) {
    const firstRoundsMs = estimatePlanMs(plan.runs);
    if (firstRoundsMs >= confident.budgetMs) {
      plan.warnings.push(
        `--until-confident: the first ${confident.minRepeat} repetitions alone take up to ${Math.ceil(firstRoundsMs / 60_000)} min, the whole --time-budget (${Math.round(confident.budgetMs / 60_000)} min); no step is likely to get more. Give a longer --time-budget or fewer scenarios.`,
      );
    }
  }
  return plan;
}

/**
 * What `--driver-workers` will not do in this plan, in one line each: fault runs keep their
 * clients in the bench process, and a run with fewer users than workers uses one worker per user.
 */
export function driverWorkerNotes(runs: readonly PlannedRun[], driverWorkers: number): string[] {
  if (driverWorkers <= 0) return [];
  const notes: string[] = [];
  const faults = runs.filter((run) => run.fault !== null).length;
  if (faults > 0) {
    notes.push(
      `--driver-workers ${driverWorkers}: ${faults} fault run${faults === 1 ? "" : "s"} ${faults === 1 ? "keeps its" : "keep their"} clients in the bench process (the faults act on the client objects).`,
    );
  }
  const fewer = runs.filter(
    (run) => run.fault === null && run.capacity === null && run.params.clients < driverWorkers,
  );
  if (fewer.length > 0) {
    const least = Math.min(...fewer.map((run) => run.params.clients));
    notes.push(
      `--driver-workers ${driverWorkers}: ${fewer.length} run${fewer.length === 1 ? " has" : "s have"} fewer users than workers (as few as ${least}); they use one worker per user.`,
    );
  }
  return notes;
}

/**
 * nginx is optional (npm run setup installs it when it can): without it, the runs that need a
 * proxy are left out with one line per scenario, and a plan of nothing else is a usage error.
 */
export function skipProxyRunsWithoutNginx(plan: ResolvedPlan, hasNginx = HAS_NGINX): void {
  if (hasNginx) return;
  const needs = plan.runs.filter((run) => run.deliveryPath?.proxy === "nginx");
  if (needs.length === 0) return;
  for (const scenario of new Set(needs.map((run) => run.scenario))) {
    const count = needs.filter((run) => run.scenario === scenario).length;
    plan.warnings.push(
      `scenario '${scenario}': ${count} run${count === 1 ? "" : "s"} behind nginx skipped: ${NO_NGINX_REASON}.`,
    );
  }
  plan.runs = plan.runs.filter((run) => run.deliveryPath?.proxy !== "nginx");
  if (plan.runs.length === 0) {
    throw new UsageError(`nothing to run: every chosen run needs nginx; ${NO_NGINX_REASON}.`);
  }
}

/** A step that `--until-confident` samples: every step but capacity ones (they run once). */
function isSampled(step: PlanStep): boolean {
  return step.runs.every((run) => run.capacity === null);
}

export async function runBench(
  options: BenchOptions,
  argv: string[],
  progress: Progress,
  signal: AbortSignal,
  resolved: ResolvedPlan = planBench(options),
): Promise<BenchOutcome> {
  const { runs: plan, warnings: planWarnings } = resolved;
  // Safety first (cheap, and repeated here so no caller can skip them): bounds, loopback only.
  checkPlanBounds(plan, {
    driverWorkers: options.driverWorkers,
    external: options.target !== null,
  });
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
  if (redisUrl !== undefined && !options.target) await checkTarget(redisUrl, options.allowRemote);
  if (options.target) await checkExternalTarget(options.target, options.allowRemote);
  const estimatedMs = estimatePlanMs(plan);
  const confident = options.untilConfident;
  progress.log(
    `push-vs-poll: ${describeRunCount(plan)} (${options.scenarios.join(", ")} × ${options.strategies.join(", ")})` +
      `${options.quick ? ", quick" : ""}, about ${Math.ceil(estimatedMs / 60_000)} min`,
  );
  if (confident) progress.log(describeSampling(confident, confident.minRepeat));
  for (const warning of planWarnings) progress.log(`warning: ${warning}`);
  // An external target brings its own store: no Redis of ours is started or measured.
  const target = options.target;
  const redis =
    target === null
      ? await startRedis(options.redisUrl ? { redisUrl: options.redisUrl } : {})
      : null;
  let instrumentFloor: InstrumentFloor | null = null;
  if (redis) {
    progress.log(
      `redis: ${redis.managed ? "managed" : "external"} ${redis.url} (v${redis.version})`,
    );
    instrumentFloor = await measureFloor(redis.url, progress);
  } else if (target) {
    progress.log(
      `target: ${target.strategy} at ${target.subscribe.text}, publishing to ${target.publish.text} (${(target.pids?.length ?? 0) > 0 ? `server cost sampled from pid ${target.pids?.join(", ")}; Redis cost not measured` : "server and Redis costs are not measured; --target-pid samples the server's processes"})`,
    );
  }
  const createdAt = new Date();
  // Read now, not when the results are written: the git sha must name the code that ran, and a
  // long bench can outlive a commit made meanwhile.
  const environment = await collectEnvironment({
    redisVersion: redis ? redis.version : "n/a (external target)",
  });
  const stamp = createdAt.toISOString().replace(/[:.]/g, "-");
  const runs: RunResult[] = [];
  const failedRuns: FailedRun[] = [];
  const capacity: CapacityResult[] = [];
  const sampling: SamplingInfo | null = confident
    ? {
        mode: "until-confident",
        horizon: confident.horizon,
        budgetMs: confident.budgetMs,
        minRuns: confident.minRepeat,
        maxRuns: confident.maxRepeat,
        groups: [],
      }
    : null;
  const benchStartMs = performance.now();
  // Runs started so far (the progress index and the Redis key prefix), and the runs known of:
  // the plan, plus the rounds --until-confident added.
  let started = 0;
  let runCount = plan.length;
  /**
   * One planned run, filed into runs / failedRuns / capacity. Returns its result, or null for
   * a capacity run or a run that could not finish. `remainingMs`: the plan's estimate from it on.
   */
  const runPlanned = async (
    planned: PlannedRun,
    remainingMs: number,
  ): Promise<RunResult | null> => {
    const index = started;
    started += 1;
    signal.throwIfAborted();
    const sampled = confident !== null && planned.capacity === null;
    const progressFor = (update: Pick<ProgressState, "phase" | "connected" | "delivered">) =>
      progress.update({
        ...update,
        runIndex: index + 1,
        runCount,
        scenario: planned.scenario,
        stepLabel: planned.step?.label ?? null,
        strategy: planned.strategy,
        repetition: planned.repetition,
        repetitions: planned.repetitions,
        ...(sampled ? { maxRepetitions: confident.maxRepeat } : {}),
        ...(confident ? { moreRunsMayFollow: true } : {}),
        clients: planned.params.clients,
        elapsedMs: performance.now() - benchStartMs,
        remainingMs,
      });
    let result: RunResult;
    try {
      if (planned.capacity) {
        if (!redis) throw new Error("capacity runs need the bench's own servers and Redis");
        const capacityResult = await runCapacity({
          planned: { ...planned, capacity: planned.capacity },
          redisUrl: redis.url,
          keyPrefix: `pvp:${stamp}:${index}:`,
          signal,
          onProgress: progressFor,
        });
        capacity.push(capacityResult);
        if (!capacityResult.valid) {
          progress.log(`  INVALID: ${capacityResult.invalidReasons.join("; ")}`);
        }
        return null;
      }
      result = await runOne({
        planned,
        redis,
        target,
        keyPrefix: `pvp:${stamp}:${index}:`,
        signal,
        clientBounds: options.clientBounds,
        energy: energyAssumptions(options.energy),
        driverWorkers: options.driverWorkers,
        onProgress: progressFor,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      // One run that cannot finish (a crashed server, say) is recorded and the suite goes
      // on: a 10-minute bench should not be lost to one step.
      const message = error instanceof Error ? error.message : String(error);
      failedRuns.push({
        scenario: planned.scenario,
        step: planned.step,
        strategy: planned.strategy,
        repetition: planned.repetition,
        error: message,
      });
      progress.log(`  FAILED: ${message}`);
      return null;
    }
    // The bench owns the repetition count; runOne's signature stays as it is.
    result.repetition = planned.repetition;
    runs.push(result);
    if (!result.valid) {
      progress.log(`  INVALID: ${result.invalidReasons.join("; ")}`);
    }
    return result;
  };
  try {
    const steps = stepsOf(plan);
    let plannedStarted = 0;
    for (const [stepIndex, step] of steps.entries()) {
      const stepStartMs = performance.now();
      const stepRuns: RunResult[] = [];
      // The time budget is shared by the whole bench and prorated per remaining step, from
      // what is really left at this step's start (see stepBudgetMs): time one step did not
      // use flows on to the later ones, and every later step's first rounds stay reserved.
      const stepBudget =
        confident && isSampled(step)
          ? stepBudgetMs(
              confident.budgetMs - (stepStartMs - benchStartMs),
              // Capacity steps run once: their time is reserved, they take no share.
              steps.slice(stepIndex).map((later) => ({
                minRoundsMs: estimatePlanMs(later.runs),
                roundMs: isSampled(later) ? estimatePlanMs(nextRound(later, 0)) : 0,
              })),
            )
          : 0;
      for (const planned of step.runs) {
        const result = await runPlanned(planned, estimatePlanMs(plan.slice(plannedStarted)));
        plannedStarted += 1;
        if (result) stepRuns.push(result);
      }
      if (!confident || !sampling || !isSampled(step)) continue;
      let repetitions = Math.max(...step.runs.map((run) => run.repetition));
      for (;;) {
        const elapsedMs = performance.now() - stepStartMs;
        const decision = decideStep({
          runs: stepRuns,
          strategies: strategiesOf(step),
          figures: confident.figures,
          horizon: confident.horizon,
          repetitionsDone: repetitions,
          minRepetitions: confident.minRepeat,
          maxRepetitions: confident.maxRepeat,
          elapsedMs,
          // What this step's rounds really took so far predicts the next one best.
          nextRoundMs: elapsedMs / repetitions,
          budgetMs: stepBudget,
        });
        if (!decision.more) {
          sampling.groups.push({
            scenario: step.scenario,
            step: step.step?.label ?? null,
            repetitions,
            endedBy: endedByOf(decision.reason),
          });
          progress.log(formatStepOutcome(stepName(step), repetitions, decision));
          break;
        }
        repetitions += 1;
        const round = nextRound(step, repetitions);
        runCount += round.length;
        for (const [i, planned] of round.entries()) {
          const remainingMs =
            estimatePlanMs(round.slice(i)) + estimatePlanMs(plan.slice(plannedStarted));
          const result = await runPlanned(planned, remainingMs);
          if (result) stepRuns.push(result);
        }
      }
    }
  } finally {
    await redis?.stop();
  }

  const results: BenchResults = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: "push-vs-poll", version: TOOL_VERSION },
    createdAt: createdAt.toISOString(),
    environment,
    method: {
      source: "bench",
      tool: describeDriver(target !== null),
      quick: options.quick,
      argv,
      scenarios: options.scenarios,
      strategies: options.strategies,
      redis: redis ? (redis.managed ? "managed" : "external") : null,
      target: target ? toResultsTarget(target) : null,
      repeat: options.repeat,
      sampling,
      instrumentFloor,
      ...targetUsersField(options),
    },
    runs,
    capacity,
    failedRuns,
    summaries: summarizeRuns(runs),
  };
  // Validate on write, so a results file that the report cannot read is never produced.
  validateResults(JSON.parse(JSON.stringify(results)));
  const runDir = path.resolve(options.outDir, stamp);
  await mkdir(runDir, { recursive: true });
  const resultsPath = path.join(runDir, "results.json");
  await writeFile(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  await pointLatestAt(options.outDir, stamp);
  return { results, runDir, resultsPath };
}

/** `reports/latest` -> the newest run directory (a relative symlink, so the tree can move). */
async function pointLatestAt(outDir: string, stamp: string): Promise<void> {
  const latest = path.join(outDir, "latest");
  await rm(latest, { force: true, recursive: false });
  await symlink(stamp, latest, "dir");
}

/**
 * The results' `method.tool`: how the driver publishes, and the two diagnostic environment
 * variables (PVP_PUBLISHER, PVP_LOADER) when they changed what ran.
 */
function describeDriver(external: boolean): string {
  const clients = "push-vs-poll driver: node:http clients in one process";
  if (external) return `${clients}, publishing over HTTP POST to the target`;
  const publisher =
    publisherMode() === "thread"
      ? "the publisher on its own thread (PVP_PUBLISHER=thread; fault runs keep it in process)"
      : "in-process publisher";
  const loader =
    loaderMode() === "tsx"
      ? "; servers and driver workers run from source through tsx (PVP_LOADER=tsx)"
      : "";
  return `${clients}, ${publisher} through the shared Redis source${loader}`;
}

/**
 * The instrument's floor, once per bench, before any run: publishes through the bench's Redis
 * to a subscriber inside the driver, no server in between (src/driver/instrument-floor.ts).
 * A failure is a warning, not a reason to skip the runs: the Method line then says "n/a".
 */
async function measureFloor(redisUrl: string, progress: Progress): Promise<InstrumentFloor | null> {
  let source: NotificationSource | null = null;
  try {
    source = await openNotificationSource({ redisUrl, keyPrefix: `pvp-floor-${process.pid}:` });
    const floor = await measureInstrumentFloor({ source });
    // after the floor, before any run: the busy loop blocks this process for its length
    const jitter = measureMachineJitter();
    progress.log(
      `instrument floor: p50 ${floor.p50Us} µs, p99 ${floor.p99Us} µs over ${floor.samples} probe publishes (driver -> Redis -> driver, no server); publisher issue lag p99 ${floor.issueLagP99Us} µs at ${floor.ratePerSec ?? "?"} publishes/s; machine: a busy loop lost ${(jitter.lostShare * 100).toFixed(1)} % of its time in ${jitter.gapsPerSec} gaps/s over ${jitter.gapThresholdUs} µs (longest ${jitter.maxGapUs} µs)`,
    );
    return { ...floor, machineJitter: jitter };
  } catch (error) {
    progress.log(`warning: could not measure the instrument floor: ${String(error)}`);
    return null;
  } finally {
    await source?.close();
  }
}

/** `--target-users`, else the first scenario file's `targetUsers`, else nothing (the report's default). */
function targetUsersField(
  options: Pick<BenchOptions, "targetUsers" | "fileScenarios" | "scenarios">,
): { targetUsers?: number } {
  const fromFile = options.fileScenarios.find(
    (s) => options.scenarios.includes(s.id) && s.targetUsers !== undefined,
  )?.targetUsers;
  const targetUsers = options.targetUsers ?? fromFile;
  return targetUsers === undefined ? {} : { targetUsers };
}
