/**
 * The "Method" lines: what was run, on what, so a reader can judge and reproduce the numbers.
 * Plain text; the HTML and Markdown renderers escape it.
 */
import { DIRECT_PATH, describeDeliveryPath } from "../../model/delivery-path.ts";
import type { BenchResults, ResolvedParams } from "../../model/results.ts";
import { groupKey } from "../../results/summarize-runs.ts";
import {
  formatBytes,
  formatCompact,
  formatDurationMs,
  formatLatencyUs,
  NOT_AVAILABLE,
} from "./format.ts";
import { foldRepetitionNotes, type ScenarioGroup } from "./run-groups.ts";

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

/** What ended a step's sampling, in words. */
const ENDED_BY: Readonly<Record<string, string>> = {
  resolved: "resolved",
  "time-budget": "time budget spent",
  "max-runs": "max runs reached",
};

/**
 * How many times each figure was measured: "3 repetitions per scenario step x strategy,
 * interleaved", the `--until-confident` rule, or "single run per figure" (older files and
 * `--repeat 1`), so a reader knows whether a figure has an interval and what it rests on. The
 * counts come from the runs themselves (`method.repeat` is null when each scenario used its own
 * default).
 */
export function describeRepetitions(results: BenchResults): string {
  const { repeat, sampling } = results.method;
  if (sampling !== null) {
    return `repetitions until confident: ${sampling.minRuns} to ${sampling.maxRuns} per scenario step x strategy, interleaved, added until every difference is resolved to ±${formatCompact(sampling.horizon * 100)} % or the ${formatDurationMs(sampling.budgetMs)} budget is spent; figures are means of the valid runs with 95 % intervals`;
  }
  const sizes = new Map<string, number>();
  for (const run of results.runs) sizes.set(groupKey(run), (sizes.get(groupKey(run)) ?? 0) + 1);
  const counts = [...new Set(sizes.values())].sort((a, b) => a - b);
  const most = counts.at(-1) ?? 1;
  if (most <= 1) {
    return "single run per figure: no interval (run with --repeat 3 or more for 95 % intervals and between-strategy verdicts)";
  }
  const how =
    counts.length === 1
      ? `${most} repetitions per scenario step x strategy`
      : `${counts[0]}-${most} repetitions per scenario step x strategy (${repeat === null ? "each scenario's own default" : `--repeat ${repeat}`})`;
  return `${how}, interleaved (rep 1 of every strategy, then rep 2, ...); figures are means of the valid runs with 95 % intervals`;
}

/**
 * The instrument's own floor, measured once per bench without any server: "instrument floor:
 * p50 180 µs, p99 420 µs over 300 probe publishes, no server"; null when not measured.
 */
export function describeInstrumentFloor(results: BenchResults): string | null {
  const floor = results.method.instrumentFloor;
  if (floor === null) return null;
  const jitter = floor.machineJitter;
  const machine =
    jitter === undefined
      ? ""
      : `; the machine took ${(jitter.lostShare * 100).toFixed(1)} % of a busy loop's time in ${jitter.gapsPerSec.toLocaleString("en-US")} gaps/s over ${formatLatencyUs(jitter.gapThresholdUs)} (longest ${formatLatencyUs(jitter.maxGapUs)}), what a loop that never yields loses`;
  return `instrument floor: p50 ${formatLatencyUs(floor.p50Us)}, p99 ${formatLatencyUs(floor.p99Us)} over ${floor.samples.toLocaleString("en-US")} probe publishes, no server (publisher issue lag p99 ${formatLatencyUs(floor.issueLagP99Us)}${floor.ratePerSec === undefined ? "" : ` at ${floor.ratePerSec.toLocaleString("en-US")} publishes/s`})${machine}; latency differences near it cannot be told apart`;
}

/**
 * `--until-confident`, per step of one scenario: "sampling: 100 clients 5 runs (resolved),
 * 1000 clients 10 runs (max runs reached)"; null without sampling or for a scenario it did not cover.
 */
export function describeSampling(results: BenchResults, scenario: string): string | null {
  const own = results.method.sampling?.groups.filter((g) => g.scenario === scenario) ?? [];
  if (own.length === 0) return null;
  const steps = own.map(
    (g) =>
      `${g.step === null ? "" : `${g.step} `}${g.repetitions} run${g.repetitions === 1 ? "" : "s"} (${ENDED_BY[g.endedBy] ?? g.endedBy})`,
  );
  return `sampling: ${steps.join(", ")}`;
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
    describeDeliveryPaths(group),
    `strategies: ${group.strategies.join(", ")}`,
    repetitionsOf(results, group),
  ]
    .filter(Boolean)
    .join("; ");
}

/**
 * Proxy, TLS, protocol and buffering of the group's runs: "delivery path: nginx (buffering
 * off, HTTP/1.1 keep-alive upstream, read timeout 60 s), TLS, HTTP/2"; several when the
 * scenario's steps vary it. Runs without the field (older files) went direct over HTTP/1.1.
 */
export function describeDeliveryPaths(group: ScenarioGroup): string {
  const paths = [
    ...new Set(group.runs.map((r) => describeDeliveryPath(r.deliveryPath?.path ?? DIRECT_PATH))),
  ];
  return `delivery path: ${paths.join(" / ")}${paths.length > 1 ? " (varied)" : ""}`;
}

/** The scenario's repetitions: sampling per step, or "3 repetitions per strategy"; "" for single runs. */
function repetitionsOf(results: BenchResults, group: ScenarioGroup): string {
  const sampling = describeSampling(results, group.scenario);
  if (sampling !== null) return sampling;
  const counts = [...new Set(group.groups.map((g) => g.runs.length))];
  if (counts.length === 1 && counts[0] === 1) return "";
  return `repetitions: ${counts.join(" / ")} per step x strategy`;
}

/**
 * Every invalid reason and warning of a scenario's runs, each prefixed with the runs it belongs
 * to ("1000 clients, sse, run 2 of 3: ..."; a note every repetition had is said once, "all 3
 * runs"), so a repetition's details stay reachable.
 */
export function collectNotes(group: ScenarioGroup): { invalid: string[]; warnings: string[] } {
  const invalid: string[] = [];
  const warnings: string[] = [];
  for (const g of group.groups) {
    const total = g.runs.length;
    const place = g.step === null ? g.strategy : `${g.step.label}, ${g.strategy}`;
    const say = (list: string[], notes: { repetition: number; text: string }[]) => {
      for (const { who, text } of foldRepetitionNotes(notes, total)) {
        list.push(`${place}${who ? `, ${who}` : ""}: ${text}`);
      }
    };
    say(
      invalid,
      g.runs.flatMap((run) => {
        const reasons =
          !run.valid && run.invalidReasons.length === 0
            ? ["marked invalid (no reason recorded)"]
            : run.invalidReasons;
        return reasons.map((text) => ({ repetition: run.repetition, text }));
      }),
    );
    say(
      warnings,
      g.runs.flatMap((run) => run.warnings.map((text) => ({ repetition: run.repetition, text }))),
    );
  }
  return { invalid, warnings };
}
