/**
 * Comparison of two runs: the same scenario x strategy (x step) side by side, each headline metric
 * as "A → B (±x %)", flagged when the change exceeds the run-to-run noise of that metric. Fault
 * runs are compared apart, on their own numbers (fault-comparison.ts).
 */
import type { BenchResults, RunResult } from "../model/results.ts";
import {
  buildFaultComparisonRows,
  FAULT_COMPARISON_FOOTNOTE,
  FAULT_COMPARISON_HEADERS,
  type FaultComparisonRow,
} from "./fault-comparison.ts";
import { escapeHtml, formatPercent, NOT_AVAILABLE } from "./format.ts";
import { renderHtmlPage, renderHtmlTable } from "./html-page.ts";
import { escapeMarkdownInline, renderMarkdownTable } from "./markdown-table.ts";
import { describeEnvironment } from "./method-line.ts";
import { METRICS, type MetricId } from "./metrics.ts";
import { compareRuns, type PairStatus, runKey, sunnyDayRuns } from "./run-groups.ts";
import { VERDICT_METRICS } from "./verdict.ts";

/**
 * Relative change below which a difference is treated as run-to-run noise, per metric.
 * Measured, not guessed: two back-to-back full `npm run bench` runs on the 2-core reference
 * machine (docs/methodology.md), 20 valid SSE and long-polling runs compared pairwise; each
 * threshold is the 90th percentile of |B - A| / A, rounded up. Counted ratios (requests and
 * bytes per delivered) barely move (1-2 %); p50 moves ~19 %; p99 rests on 1 % of a short
 * window's samples and moves ~67 %; server CPU per delivery (10 ms clock ticks over small
 * totals) and RSS per connection (GC and allocator timing) move ~45 %. On a quieter machine
 * or with longer windows, compare two runs of the same commit and lower them.
 */
export const NOISE_THRESHOLDS: Readonly<Partial<Record<MetricId, number>>> = {
  p50Latency: 0.2,
  p99Latency: 0.7,
  requestsPerDelivered: 0.05,
  bytesPerDelivered: 0.05,
  cpuMsPer1000Deliveries: 0.45,
  rssPerConnection: 0.45,
};

/** Latency changes smaller than this (µs) are never flagged: below timer resolution on a loaded laptop. */
export const LATENCY_NOISE_FLOOR_US = 500;

/** A comparison shows the verdict's columns, so the two pages read alike. */
const COMPARED: readonly MetricId[] = VERDICT_METRICS;

/** One-paragraph explanation printed with every comparison. */
export const NOISE_LEGEND = `Differences are (B − A) / A. A change is flagged (⚠) when it is larger than the metric's run-to-run noise threshold: ${COMPARED.map((id) => `${METRICS[id].label} ${Math.round((NOISE_THRESHOLDS[id] ?? 0) * 100)} %`).join(", ")}; latency changes under ${LATENCY_NOISE_FLOOR_US / 1000} ms are never flagged. Runs invalid in either file are not compared. Thresholds are the run-to-run noise measured between two full runs of the same suite on the reference machine (see docs/methodology.md); compare two runs of the same commit to see yours.`;

export interface ComparedCell {
  text: string;
  change: number | null;
  flagged: boolean;
}

export interface ComparisonRow {
  scenario: string;
  step: string;
  strategy: string;
  status: PairStatus;
  cells: ComparedCell[];
}

function compareMetric(
  id: MetricId,
  a: RunResult,
  b: RunResult,
  comparable: boolean,
): ComparedCell {
  const metric = METRICS[id];
  const va = metric.rawValue(a);
  const vb = metric.rawValue(b);
  const text = `${metric.format(a)} → ${metric.format(b)}`;
  if (va === null || vb === null) return { text, change: null, flagged: false };
  const change = va === 0 ? (vb === 0 ? 0 : null) : (vb - va) / va;
  const threshold = NOISE_THRESHOLDS[id] ?? Number.POSITIVE_INFINITY;
  const isLatency = id === "p50Latency" || id === "p99Latency";
  const aboveFloor = !isLatency || Math.abs(vb - va) >= LATENCY_NOISE_FLOOR_US;
  const flagged = comparable && change !== null && Math.abs(change) > threshold && aboveFloor;
  return { text: `${text} (${change === null ? "new" : formatPercent(change)})`, change, flagged };
}

/**
 * Pairs the sunny-day runs of A and B by scenario, step label and strategy; A's order first, then
 * B-only runs. Fault runs are left out (see buildFaultComparisonRows).
 */
export function buildComparisonRows(a: BenchResults, b: BenchResults): ComparisonRow[] {
  const runsA = sunnyDayRuns(a);
  const runsB = sunnyDayRuns(b);
  const inB = new Map(runsB.map((run) => [runKey(run), run]));
  const inA = new Set(runsA.map(runKey));
  const rows: ComparisonRow[] = [];
  const empty = COMPARED.map(() => ({ text: NOT_AVAILABLE, change: null, flagged: false }));
  for (const runA of [...runsA]
    .sort(compareRuns)
    .sort((x, y) => scenarioOrder(a, x) - scenarioOrder(a, y))) {
    const runB = inB.get(runKey(runA));
    const base = { scenario: runA.scenario, step: runA.step?.label ?? "", strategy: runA.strategy };
    if (runB === undefined) {
      rows.push({ ...base, status: "only in A", cells: empty });
      continue;
    }
    const status =
      !runA.valid && !runB.valid
        ? "invalid in both"
        : !runA.valid
          ? "invalid in A"
          : !runB.valid
            ? "invalid in B"
            : "compared";
    rows.push({
      ...base,
      status,
      cells: COMPARED.map((id) => compareMetric(id, runA, runB, status === "compared")),
    });
  }
  for (const runB of runsB) {
    if (inA.has(runKey(runB))) continue;
    rows.push({
      scenario: runB.scenario,
      step: runB.step?.label ?? "",
      strategy: runB.strategy,
      status: "only in B",
      cells: empty,
    });
  }
  return rows;
}

function scenarioOrder(results: BenchResults, run: RunResult): number {
  const index = results.method.scenarios.indexOf(run.scenario);
  return index === -1 ? Number.MAX_SAFE_INTEGER : index;
}

const HEADERS = [
  "scenario",
  "step",
  "strategy",
  "status",
  ...COMPARED.map((id) => METRICS[id].label),
];

function sameMachine(a: BenchResults, b: BenchResults): boolean {
  const keys = ["cpuModel", "cpuCount", "os", "nodeVersion", "redisVersion"] as const;
  return keys.every((k) => a.environment[k] === b.environment[k]);
}

/**
 * Renders the comparison of run A (baseline) and run B as Markdown and as a self-contained HTML page.
 * `labels` name the runs (e.g. their directories); default "A" and "B".
 */
export function renderComparison(
  a: BenchResults,
  b: BenchResults,
  labels: { a: string; b: string } = { a: "A", b: "B" },
): { markdown: string; html: string } {
  const rows = buildComparisonRows(a, b);
  const faultRows = buildFaultComparisonRows(a, b);
  const flagged = rows.reduce((n, r) => n + r.cells.filter((c) => c.flagged).length, 0);
  const intro = [
    `A (baseline): ${labels.a}, run of ${a.createdAt}; ${describeEnvironment(a)}`,
    `B: ${labels.b}, run of ${b.createdAt}; ${describeEnvironment(b)}`,
  ];
  const machineNote = sameMachine(a, b)
    ? null
    : "A and B ran on different machines or software versions: differences measure the environment as much as the code.";
  const verdict = `${flagged} change(s) beyond noise across ${rows.filter((r) => r.status === "compared").length} compared runs.`;

  const mdRows = rows.map((r) => [
    r.scenario,
    r.step,
    r.strategy,
    r.status,
    ...r.cells.map((c) => (c.flagged ? `⚠ ${c.text}` : c.text)),
  ]);
  const markdown = [
    "# push-vs-poll comparison",
    "",
    ...intro.map((line) => `- ${escapeMarkdownInline(line)}`),
    "",
    ...(machineNote ? [`**${machineNote}**`, ""] : []),
    `**${verdict}**`,
    "",
    renderMarkdownTable(HEADERS, mdRows, 4),
    "",
    NOISE_LEGEND,
    "",
    ...renderFaultComparisonMarkdown(faultRows),
  ].join("\n");

  const htmlRows = rows.map((r) => ({
    ...(r.status === "compared" ? {} : { className: "invalid" }),
    cells: [
      escapeHtml(r.scenario),
      escapeHtml(r.step),
      escapeHtml(r.strategy),
      escapeHtml(r.status),
      ...r.cells.map((c) =>
        c.flagged ? `<span class="flag">⚠ ${escapeHtml(c.text)}</span>` : escapeHtml(c.text),
      ),
    ],
  }));
  const body = [
    "<header>",
    "<h1>push-vs-poll comparison</h1>",
    ...intro.map((line) => `<p class="meta">${escapeHtml(line)}</p>`),
    "</header>",
    "<main>",
    machineNote ? `<div class="notes warnings">${escapeHtml(machineNote)}</div>` : "",
    `<p><strong>${escapeHtml(verdict)}</strong></p>`,
    renderHtmlTable(HEADERS, htmlRows, 4),
    `<p class="legend">${escapeHtml(NOISE_LEGEND)}</p>`,
    renderFaultComparisonHtml(faultRows),
    "</main>",
  ].join("\n");
  return { markdown, html: renderHtmlPage("push-vs-poll comparison", body) };
}

function faultCells(row: FaultComparisonRow): string[] {
  return [row.kind, row.strategy, row.status, ...row.cells.map((c) => c.text)];
}

/** The "Faults" part of comparison.md: lines, none when neither run has fault runs. */
function renderFaultComparisonMarkdown(rows: readonly FaultComparisonRow[]): string[] {
  if (rows.length === 0) return [];
  return [
    "## Faults",
    "",
    renderMarkdownTable(FAULT_COMPARISON_HEADERS, rows.map(faultCells), 3),
    "",
    `${escapeMarkdownInline(FAULT_COMPARISON_FOOTNOTE)}`,
    "",
  ];
}

/** The "Faults" part of comparison.html; "" when neither run has fault runs. */
function renderFaultComparisonHtml(rows: readonly FaultComparisonRow[]): string {
  if (rows.length === 0) return "";
  const htmlRows = rows.map((row) => ({
    ...(row.status === "compared" ? {} : { className: "invalid" }),
    cells: faultCells(row).map(escapeHtml),
  }));
  return [
    "<h2>Faults</h2>",
    renderHtmlTable(FAULT_COMPARISON_HEADERS, htmlRows, 3),
    `<p class="legend">${escapeHtml(FAULT_COMPARISON_FOOTNOTE)}</p>`,
  ].join("\n");
}
