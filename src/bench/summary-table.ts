/**
 * The plain-text table printed at the end of `npm run bench`: one row per scenario × step ×
 * strategy. A pure function of the results, like autocannon's printResult.
 */

import type { BenchResults, RunResult } from "../model/results.ts";
import { formatCapacitySummary } from "../report/capacity-section.ts";
import { formatBytes, formatCount, formatLatencyUs, formatNumber } from "../report/format.ts";
import { faultRuns, sunnyDayRuns } from "../report/run-groups.ts";

const COLUMNS = [
  "scenario",
  "strategy",
  "p50",
  "p99",
  "req/deliv",
  "req/client-min",
  "bytes/deliv",
  "srv CPU ms/1k",
  "RSS/conn",
  "lost/dup",
  "valid",
] as const;

function rowFor(run: RunResult): string[] {
  const scenario = run.step ? `${run.scenario} [${run.step.label}]` : run.scenario;
  return [
    scenario,
    run.strategy,
    formatLatencyUs(run.latency.p50Us),
    formatLatencyUs(run.latency.p99Us),
    formatNumber(run.perDelivered.requests),
    formatNumber(run.http.requestsPerClientMinute),
    formatBytes(run.perDelivered.bytes),
    formatNumber(run.server?.cpuMsPer1000Deliveries ?? null),
    formatBytes(run.server?.rssPerConnectionBytes ?? null),
    `${run.delivery.lost}/${run.delivery.duplicates}`,
    run.valid ? "yes" : "NO",
  ];
}

const FAULT_COLUMNS = [
  "fault",
  "strategy",
  "recovered",
  "back",
  "recover",
  "lost/dup",
  "resets/skipped",
  "extra req",
  "extra bytes",
  "errors",
] as const;

function faultRowFor(run: RunResult): string[] {
  const f = run.fault;
  if (!f) return [];
  const ms = (value: number | null): string =>
    value === null ? "n/a" : `${formatCount(value)} ms`;
  return [
    f.kind,
    run.strategy,
    f.recovered ? "yes" : "NO",
    ms(f.timeToBackMs),
    ms(f.timeToRecoverMs),
    `${f.lost}/${f.duplicates}`,
    `${f.resets}/${f.skippedByReset}`,
    formatCount(f.extraRequests),
    f.extraBytes < 0 ? `-${formatBytes(-f.extraBytes)}` : formatBytes(f.extraBytes),
    formatCount(f.errors),
  ];
}

/** Two left-aligned name columns, the rest right-aligned numbers. */
function formatTable(columns: readonly string[], rows: readonly string[][]): string[] {
  const widths = columns.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(columns), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

/**
 * Renders the table (and, when faults were injected, the fault table); invalid runs are
 * listed with their reasons under them.
 */
export function formatSummaryTable(results: BenchResults): string {
  const sunny = sunnyDayRuns(results);
  const faults = faultRuns(results);
  const out: string[] = sunny.length > 0 ? formatTable(COLUMNS, sunny.map(rowFor)) : [];
  if (faults.length > 0) {
    if (out.length > 0) out.push("");
    out.push(...formatTable(FAULT_COLUMNS, faults.map(faultRowFor)));
  }
  const problems = results.runs.filter((run) => !run.valid || run.warnings.length > 0);
  if (problems.length > 0 || results.failedRuns.length > 0) out.push("");
  for (const failed of results.failedRuns) {
    const name = `${failed.scenario}${failed.step ? ` [${failed.step.label}]` : ""} ${failed.strategy}`;
    out.push(`FAILED ${name}: ${failed.error}`);
  }
  for (const run of problems) {
    const name = `${run.scenario}${run.step ? ` [${run.step.label}]` : ""} ${run.strategy}`;
    for (const reason of run.invalidReasons) out.push(`INVALID ${name}: ${reason}`);
    for (const warning of run.warnings) out.push(`warning ${name}: ${warning}`);
  }
  out.push(...formatCapacitySummary(results));
  return out.join("\n");
}
