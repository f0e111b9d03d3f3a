/**
 * The plain-text table printed at the end of `npm run bench`: one row per scenario × step ×
 * strategy. A pure function of the results, like autocannon's printResult. With repetitions
 * (a group with >= 2 valid runs), the rows come from the summaries: each headline figure as
 * `mean [lo, hi]`, its 95 % interval, in two significant digits so the table stays within
 * 100 columns (columns that still do not fit are left out and named under the table).
 */

import type { BenchResults, RunResult } from "../model/results.ts";
import type { HeadlineFigure, RunSummary } from "../model/summaries.ts";
import {
  faultRuns,
  formatBytes,
  formatCapacitySummary,
  formatCount,
  formatEnergySummary,
  formatLatencyUs,
  formatNumber,
  sunnyDayRuns,
} from "../report/index.ts";
import { groupKey } from "../results/summarize-runs.ts";

/** The terminal width the interval table keeps to. */
export const TABLE_MAX_COLUMNS = 100;

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

// ---------------------------------------------------------------------------------------------
// Repetitions: one row per scenario step x strategy, figures with their 95 % intervals
// ---------------------------------------------------------------------------------------------

type Unit = "latency" | "bytes" | "plain";

/** The interval table's figure columns, most wanted first; the last ones go when space runs out. */
const INTERVAL_FIGURES: readonly { title: string; figure: HeadlineFigure; unit: Unit }[] = [
  { title: "p50", figure: "latencyP50Ms", unit: "latency" },
  { title: "p99", figure: "latencyP99Ms", unit: "latency" },
  { title: "req/deliv", figure: "requestsPerDelivered", unit: "plain" },
  { title: "bytes/deliv", figure: "bytesPerDelivered", unit: "bytes" },
  { title: "CPU ms/1k", figure: "serverCpuMsPer1000Deliveries", unit: "plain" },
  { title: "RSS/conn", figure: "serverRssPerConnectionBytes", unit: "bytes" },
];

/** The unit a value reads best in: divisor and label (µs/ms/s for ms values, B/KiB/MiB/GiB). */
function unitFor(value: number, unit: Unit): { divisor: number; label: string } {
  const abs = Math.abs(value);
  if (unit === "latency") {
    if (abs < 1) return { divisor: 0.001, label: " µs" };
    if (abs < 1000) return { divisor: 1, label: " ms" };
    return { divisor: 1000, label: " s" };
  }
  if (unit === "bytes") {
    const labels = [" B", " KiB", " MiB", " GiB"];
    let index = 0;
    while (abs / 1024 ** index >= 1024 && index < labels.length - 1) index++;
    return { divisor: 1024 ** index, label: labels[index] as string };
  }
  return { divisor: 1, label: "" };
}

/**
 * `2.1 ms [1.8, 2.5]`: the mean and its interval in the mean's unit, two significant digits
 * (the interval says how many of them mean anything). A single value prints as today's table
 * does; no value prints n/a.
 */
export function formatFigureInterval(
  figure: RunSummary["figures"][HeadlineFigure],
  unit: Unit,
): string {
  if (figure === null) return formatNumber(null);
  if (figure.lo === null || figure.hi === null) {
    if (unit === "latency") return formatLatencyUs(figure.mean * 1000);
    return unit === "bytes" ? formatBytes(figure.mean) : formatNumber(figure.mean);
  }
  const { divisor, label } = unitFor(figure.mean, unit);
  const two = (value: number): string => formatNumber(value / divisor, 2);
  return `${two(figure.mean)}${label} [${two(figure.lo)}, ${two(figure.hi)}]`;
}

/** `steady`, `rate-sweep [0.1/s]`. */
function groupName(group: Pick<RunResult, "scenario" | "step">): string {
  return group.step ? `${group.scenario} [${group.step.label}]` : group.scenario;
}

/**
 * The interval table: per scenario step a heading line, under it one row per strategy with
 * valid/total runs and the figures (names on their own line leave the width to the numbers).
 * Figure columns are dropped from the end of INTERVAL_FIGURES until the table fits
 * TABLE_MAX_COLUMNS, and the dropped ones are named. Lost and duplicated notifications are in
 * the warnings under the table, as for single runs.
 */
function formatIntervalTable(summaries: readonly RunSummary[]): string[] {
  const headings = [...new Set(summaries.map(groupName))];
  const render = (figures: typeof INTERVAL_FIGURES): string[] => {
    const columns = ["strategy", "valid", ...figures.map((f) => f.title)];
    const cellsOf = (summary: RunSummary): string[] => [
      `  ${summary.strategy}`,
      `${summary.validRuns}/${summary.runs}`,
      ...figures.map((f) => formatFigureInterval(summary.figures[f.figure], f.unit)),
    ];
    const rows = summaries.map(cellsOf);
    const widths = columns.map((title, i) =>
      Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)),
    );
    const line = (cells: readonly string[]): string =>
      cells
        .map((cell, i) => (i < 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join("  ")
        .trimEnd();
    const out = [line(columns), widths.map((w) => "-".repeat(w)).join("  ")];
    for (const heading of headings) {
      out.push(heading);
      for (const summary of summaries.filter((s) => groupName(s) === heading)) {
        out.push(line(cellsOf(summary)));
      }
    }
    return out;
  };
  let figures = INTERVAL_FIGURES;
  let table = render(figures);
  // Headings are free text and may be long; only the columns decide the width.
  const widthOf = (lines: string[]): number =>
    Math.max(...lines.filter((l) => !headings.includes(l)).map((l) => l.length));
  while (widthOf(table) > TABLE_MAX_COLUMNS && figures.length > 1) {
    figures = figures.slice(0, -1);
    table = render(figures);
  }
  const dropped = INTERVAL_FIGURES.slice(figures.length).map((f) => f.title);
  const note =
    dropped.length > 0
      ? [`not shown in ${TABLE_MAX_COLUMNS} columns: ${dropped.join(", ")} (see the report)`]
      : [];
  return [...table, "mean [95 % interval] over the valid repetitions", ...note];
}

/** A group's repetitions are summarized when at least two valid runs give an interval. */
function hasIntervals(summaries: readonly RunSummary[]): boolean {
  return summaries.some((summary) => summary.validRuns >= 2);
}

/** `steady sse` for single runs, `steady sse rep 2` when the bench repeated runs. */
function runName(
  run: Pick<RunResult, "scenario" | "step" | "strategy" | "repetition">,
  repeated: boolean,
): string {
  return `${groupName(run)} ${run.strategy}${repeated ? ` rep ${run.repetition}` : ""}`;
}

/**
 * Renders the table (and, when faults were injected, the fault table); invalid runs are
 * listed with their reasons under them, and each warning once per group (a planned warning
 * is the same in every repetition).
 */
export function formatSummaryTable(results: BenchResults): string {
  const sunny = sunnyDayRuns(results);
  const faults = faultRuns(results);
  const repeated = [...results.runs, ...results.failedRuns].some((run) => run.repetition > 1);
  const sunnyKeys = new Set(sunny.map(groupKey));
  const sunnySummaries = results.summaries.filter((summary) => sunnyKeys.has(groupKey(summary)));
  const out: string[] =
    sunny.length === 0
      ? []
      : hasIntervals(sunnySummaries)
        ? formatIntervalTable(sunnySummaries)
        : formatTable(COLUMNS, sunny.map(rowFor));
  if (faults.length > 0) {
    if (out.length > 0) out.push("");
    const faultRows = faults.map(faultRowFor);
    if (repeated) {
      for (const [i, run] of faults.entries()) {
        const row = faultRows[i];
        if (row) row[1] = `${run.strategy} #${run.repetition}`;
      }
    }
    out.push(...formatTable(FAULT_COLUMNS, faultRows));
  }
  const problems = results.runs.filter((run) => !run.valid || run.warnings.length > 0);
  if (problems.length > 0 || results.failedRuns.length > 0) out.push("");
  for (const failed of results.failedRuns) {
    out.push(`FAILED ${runName(failed, repeated)}: ${failed.error}`);
  }
  for (const run of problems) {
    for (const reason of run.invalidReasons)
      out.push(`INVALID ${runName(run, repeated)}: ${reason}`);
  }
  // Each warning once per group, naming the repetitions it came from unless it was all of them.
  const warnings = new Map<string, { run: RunResult; warning: string; reps: number[] }>();
  for (const run of problems) {
    for (const warning of run.warnings) {
      const key = `${groupKey(run)}\u0000${warning}`;
      const entry = warnings.get(key) ?? { run, warning, reps: [] };
      entry.reps.push(run.repetition);
      warnings.set(key, entry);
    }
  }
  for (const { run, warning, reps } of warnings.values()) {
    const groupSize = results.runs.filter((other) => groupKey(other) === groupKey(run)).length;
    const which = repeated && reps.length < groupSize ? ` rep ${reps.join(",")}` : "";
    out.push(`warning ${runName(run, false)}${which}: ${warning}`);
  }
  out.push(...formatEnergySummary(results));
  out.push(...formatCapacitySummary(results));
  return out.join("\n");
}
