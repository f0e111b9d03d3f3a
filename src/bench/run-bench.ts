/**
 * The whole bench: one Redis, then every planned run (scenario × step × strategy) in order,
 * each with a fresh server process; then one validated results file and the report.
 */
import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { getScenario } from "../../scenarios/index.ts";
import { runCapacity } from "../capacity/run-capacity.ts";
import type { BenchOptions } from "../cli/bench-options.ts";
import { collectEnvironment } from "../metrics/environment-info.ts";
import {
  type BenchResults,
  type CapacityResult,
  type FailedRun,
  RESULTS_SCHEMA_VERSION,
  type RunResult,
} from "../model/results.ts";
import { TOOL_VERSION } from "../model/tool-version.ts";
import { estimatePlanMs, type ResolvedPlan, resolvePlan } from "../plan/resolve-runs.ts";
import { checkExternalTarget, checkPlanBounds, checkTarget } from "../plan/safety.ts";
import { startRedis } from "../redis/managed-redis.ts";
import { validateResults } from "../results/validate-results.ts";
import { runOne } from "../run/run-one.ts";
import type { Progress, ProgressState } from "../util/progress.ts";

export interface BenchOutcome {
  results: BenchResults;
  runDir: string;
  resultsPath: string;
}

export function planBench(options: BenchOptions): ResolvedPlan {
  const scenarios = options.scenarios.map((id) => getScenario(id));
  return resolvePlan(scenarios, {
    quick: options.quick,
    strategies: options.strategies,
    ...(options.clients !== undefined ? { clients: options.clients } : {}),
    ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
    ...(options.instances !== undefined ? { instances: options.instances } : {}),
  });
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
  checkPlanBounds(plan);
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
  if (redisUrl !== undefined && !options.target) await checkTarget(redisUrl, options.allowRemote);
  if (options.target) await checkExternalTarget(options.target, options.allowRemote);
  const estimatedMs = estimatePlanMs(plan);
  progress.log(
    `push-vs-poll: ${plan.length} runs (${options.scenarios.join(", ")} × ${options.strategies.join(", ")})` +
      `${options.quick ? ", quick" : ""}, about ${Math.ceil(estimatedMs / 60_000)} min`,
  );
  for (const warning of planWarnings) progress.log(`warning: ${warning}`);
  // An external target brings its own store: no Redis of ours is started or measured.
  const target = options.target;
  const redis =
    target === null
      ? await startRedis(options.redisUrl ? { redisUrl: options.redisUrl } : {})
      : null;
  if (redis) {
    progress.log(
      `redis: ${redis.managed ? "managed" : "external"} ${redis.url} (v${redis.version})`,
    );
  } else if (target) {
    progress.log(
      `target: ${target.strategy} at ${target.subscribe.text}, publishing to ${target.publish.text} (server and Redis costs are not measured)`,
    );
  }
  const createdAt = new Date();
  const stamp = createdAt.toISOString().replace(/[:.]/g, "-");
  const runs: RunResult[] = [];
  const failedRuns: FailedRun[] = [];
  const capacity: CapacityResult[] = [];
  const benchStartMs = performance.now();
  try {
    for (const [index, planned] of plan.entries()) {
      signal.throwIfAborted();
      const remainingMs = estimatePlanMs(plan.slice(index));
      const progressFor = (update: Pick<ProgressState, "phase" | "connected" | "delivered">) =>
        progress.update({
          ...update,
          runIndex: index + 1,
          runCount: plan.length,
          scenario: planned.scenario,
          stepLabel: planned.step?.label ?? null,
          strategy: planned.strategy,
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
          continue;
        }
        result = await runOne({
          planned,
          redis,
          target,
          keyPrefix: `pvp:${stamp}:${index}:`,
          signal,
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
          error: message,
        });
        progress.log(`  FAILED: ${message}`);
        continue;
      }
      runs.push(result);
      if (!result.valid) {
        progress.log(`  INVALID: ${result.invalidReasons.join("; ")}`);
      }
    }
  } finally {
    await redis?.stop();
  }

  const results: BenchResults = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: "push-vs-poll", version: TOOL_VERSION },
    createdAt: createdAt.toISOString(),
    environment: await collectEnvironment({
      redisVersion: redis ? redis.version : "n/a (external target)",
    }),
    method: {
      source: "bench",
      tool: target
        ? "push-vs-poll driver: node:http clients in one process, publishing over HTTP POST to the target"
        : "push-vs-poll driver: node:http clients in one process, in-process publisher through the shared Redis source",
      quick: options.quick,
      argv,
      scenarios: options.scenarios,
      strategies: options.strategies,
      redis: redis ? (redis.managed ? "managed" : "external") : null,
      target: target
        ? {
            strategy: target.strategy,
            subscribeUrl: target.subscribe.text,
            publishUrl: target.publish.text,
          }
        : null,
    },
    runs,
    capacity,
    failedRuns,
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
