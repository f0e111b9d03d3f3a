/**
 * The "Method" lines: what was run, on what, so a reader can judge and reproduce the numbers.
 * Plain text; the HTML and Markdown renderers escape it.
 */
import type { BenchResults, ResolvedParams } from "../model/results.ts";
import { formatBytes, formatCompact, formatDurationMs, NOT_AVAILABLE } from "./format.ts";
import type { ScenarioGroup } from "./run-groups.ts";

/** Machine, runtime and revision: "Intel ... ×8, 16 GiB, Linux ..., x64; Node v20; Redis 7 (managed); git 0123456". */
export function describeEnvironment(results: BenchResults): string {
  const env = results.environment;
  const git = env.gitSha === null ? "not a git checkout" : `git ${env.gitSha.slice(0, 12)}`;
  return [
    `machine: ${env.cpuModel}${env.cpuCount === null ? "" : ` ×${env.cpuCount}`}, ${env.totalMemoryBytes === null ? "RAM not recorded" : `${formatBytes(env.totalMemoryBytes)} RAM`}, ${env.os}, ${env.arch}`,
    `Node ${env.nodeVersion}`,
    // with --target the Redis (if any) belongs to the external server: nothing of it was read
    results.method.redis === null
      ? "Redis not ours (external target)"
      : `Redis ${env.redisVersion} (${results.method.redis})`,
    git,
  ].join("; ");
}

/**
 * With `--target`: which external server was measured and what that leaves out, one paragraph
 * for the report header. Null when the runs measured the project's own servers.
 */
export function describeTarget(results: BenchResults): string | null {
  const target = results.method.target;
  if (target === null) return null;
  return `These runs measured an external server (--target, ${target.strategy}): subscribe ${target.subscribeUrl}, publish POST ${target.publishUrl}. Server and Redis costs (CPU, memory, connections, Redis commands) were not measured: the bench does not own that process, so they read ${NOT_AVAILABLE}.`;
}

/** Distinct values of one parameter across the group's runs, formatted and in run order. */
function distinct<K extends keyof ResolvedParams>(
  group: ScenarioGroup,
  key: K,
  format: (value: ResolvedParams[K]) => string,
): string {
  const values = [...new Set(group.runs.map((r) => r.params[key]))];
  const text = values.map(format).join(", ");
  return values.length > 1 ? `${text} (swept)` : text;
}

/** What one scenario ran: clients, rate, timings, payload; swept parameters list every value. */
export function describeScenarioMethod(results: BenchResults, group: ScenarioGroup): string {
  const first = group.runs[0];
  if (first === undefined) return "";
  const p = first.params;
  return [
    `tool: ${results.method.tool} ${results.tool.version}${results.method.quick ? " (--quick run)" : ""}`,
    `clients: ${distinct(group, "clients", (v) => formatCompact(v))}`,
    `rate: ${distinct(group, "ratePerSec", (v) => formatCompact(v))} per ${p.fanout === "all-users" ? "publish event to all users" : "user"} per second (${p.publishModel})`,
    `short-poll interval: ${distinct(group, "shortPollIntervalMs", formatDurationMs)} ±${formatCompact(p.jitterRatio * 100)} %`,
    `long-poll hold: ${distinct(group, "longPollHoldMs", formatDurationMs)}`,
    `ramp ${formatDurationMs(p.rampMs)}, warm-up ${formatDurationMs(p.warmupMs)} (discarded), measured window ${distinct(group, "durationMs", formatDurationMs)}, drain up to ${formatDurationMs(p.drainMs)}`,
    `payload: ${distinct(group, "payloadBytes", (v) => formatBytes(v))}`,
    `strategies: ${group.strategies.join(", ")}`,
  ].join("; ");
}

/** Every invalid reason and warning of a group, each prefixed with the run it belongs to. */
export function collectNotes(group: ScenarioGroup): { invalid: string[]; warnings: string[] } {
  const invalid: string[] = [];
  const warnings: string[] = [];
  for (const run of group.runs) {
    const who = run.step === null ? run.strategy : `${run.step.label}, ${run.strategy}`;
    if (!run.valid && run.invalidReasons.length === 0)
      invalid.push(`${who}: marked invalid (no reason recorded)`);
    for (const reason of run.invalidReasons) invalid.push(`${who}: ${reason}`);
    for (const warning of run.warnings) warnings.push(`${who}: ${warning}`);
  }
  return { invalid, warnings };
}
