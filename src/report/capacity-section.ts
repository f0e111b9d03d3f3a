/**
 * The "Capacity" section of report.html and summary.md: per capacity scenario one table
 * (saturation rate, highest sustained rate, clients per server process under each client model)
 * and one chart, and beside it the largest client counts the simulated-client runs of the same
 * results file actually held. Pure; renders nothing at all when `capacity` is empty.
 */
import type { BenchResults, CapacityResult, RunResult } from "../model/results.ts";
import { STRATEGIES, type StrategyId } from "../model/strategies.ts";
import { buildCapacityChart, groupCapacity } from "./capacity-chart.ts";
import type { ChartSpec } from "./charts/chart-spec.ts";
import { escapeHtml, formatBytes, formatCompact, formatNumber, NOT_AVAILABLE } from "./format.ts";
import { renderHtmlTable } from "./html-page.ts";
import { STRATEGY_COLORS } from "./palette.ts";
import { sunnyDayRuns } from "./run-groups.ts";

/** Anchor of the section in report.html. */
export const CAPACITY_SECTION_ID = "capacity";

/** One table row: a strategy under one client model. */
export interface CapacityRow {
  strategy: StrategyId;
  valid: boolean;
  /** First row of its strategy (HTML draws a rule above it). */
  first: boolean;
  /** strategy, client model, saturation, p99 at saturation, max sustained, req/client/s, clients. */
  cells: string[];
}

/** Whole requests per second, rounded down like the client counts derived from them. */
const rps = (value: number | null): string =>
  value === null ? NOT_AVAILABLE : Math.floor(value).toLocaleString("en-US");

export function capacityHeaders(results: readonly CapacityResult[]): string[] {
  const bounds = [...new Set(results.map((r) => r.p99BoundMs))];
  const bound = bounds.length === 1 ? ` (p99 < ${bounds[0]} ms)` : " (p99 under the bound)";
  return [
    "strategy",
    "client model",
    "saturation req/s",
    "p99 at saturation",
    `max sustained req/s${bound}`,
    "req per client per s",
    "clients per process",
  ];
}

/** Rows in canonical strategy order, one per (result, client model). */
export function buildCapacityRows(results: readonly CapacityResult[]): CapacityRow[] {
  return results.flatMap((result) => {
    const models = result.clientsPerProcess.length > 0 ? result.clientsPerProcess : [null];
    return models.map((model, i) => ({
      strategy: result.strategy,
      valid: result.valid,
      first: i === 0,
      cells: [
        result.strategy,
        model === null ? NOT_AVAILABLE : model.label,
        rps(result.saturation.achievedRps),
        `${formatCompact(result.saturation.p99Ms)} ms`,
        rps(result.maxSustainedRps),
        model === null ? NOT_AVAILABLE : formatCompact(model.requestsPerClientPerSec),
        model === null || model.clients === null
          ? NOT_AVAILABLE
          : model.clients.toLocaleString("en-US"),
      ],
    }));
  });
}

/** The largest client count a strategy held in a valid simulated-client run. */
export interface HeldConnections {
  strategy: StrategyId;
  clients: number;
  /** "ramp [10,000 clients]". */
  run: string;
  rssPerConnection: string;
  cpuPer1000Deliveries: string;
}

export const HELD_HEADERS = [
  "strategy",
  "largest run",
  "clients held",
  "RSS per connection",
  "server CPU per 1,000 deliveries",
] as const;

/**
 * Per strategy, its valid run with the most clients (ties: the first in the file). Callers pass
 * the sunny-day runs: a fault run's connections were disrupted on purpose.
 */
export function buildHeldConnections(runs: readonly RunResult[]): HeldConnections[] {
  return STRATEGIES.flatMap((strategy) => {
    let best: RunResult | null = null;
    for (const run of runs) {
      if (run.strategy !== strategy || !run.valid) continue;
      if (best === null || run.params.clients > best.params.clients) best = run;
    }
    if (best === null) return [];
    const cpu = best.server?.cpuMsPer1000Deliveries ?? null;
    return [
      {
        strategy,
        clients: best.params.clients,
        run: `${best.scenario}${best.step ? ` [${best.step.label}]` : ""}`,
        rssPerConnection: formatBytes(best.server?.rssPerConnectionBytes ?? null),
        cpuPer1000Deliveries: cpu === null ? NOT_AVAILABLE : `${formatNumber(cpu)} ms`,
      },
    ];
  });
}

function heldCells(row: HeldConnections): string[] {
  return [
    row.strategy,
    row.run,
    row.clients.toLocaleString("en-US"),
    row.rssPerConnection,
    row.cpuPer1000Deliveries,
  ];
}

/** One line on how the numbers were made, from what the results record. */
export function describeCapacityMethod(results: readonly CapacityResult[]): string {
  const first = results[0];
  if (first === undefined) return "";
  const fractions = first.steps
    .map((s) =>
      s.targetRps === null ? "" : formatCompact(s.targetRps / first.saturation.achievedRps),
    )
    .filter(Boolean);
  return [
    `autocannon in the driver process, ${first.connections} connections, against a fresh server process per strategy`,
    `a closed loop to saturation, then ${first.steps.length} rate-limited steps at about ${fractions.join(", ")} of its rate`,
    `sustained = p99 under ${first.p99BoundMs} ms, no errors, timeouts or non-2xx answers, and at least 95 % of the target rate, at that step and every lower one`,
    ...results.map((r) => `${r.strategy}: ${r.route}`),
    "driver, server and Redis share one machine, so these rates are a floor",
  ].join("; ");
}

/** The models behind "clients per process", for the legend. */
export const CLIENT_MODEL_LEGEND =
  "Clients per process = max sustained rate ÷ requests one client makes per second. Short polling: one request per interval. Long polling: one answer per notification plus one per hold that expires before it (ceil(interval ÷ hold) requests per interval). Bandwidth, memory per connection and Redis are not part of this number.";

function notes(results: readonly CapacityResult[]): { invalid: string[]; warnings: string[] } {
  return {
    invalid: results.flatMap((r) => r.invalidReasons.map((reason) => `${r.strategy}: ${reason}`)),
    warnings: results.flatMap((r) => r.warnings.map((warning) => `${r.strategy}: ${warning}`)),
  };
}

function htmlList(items: readonly string[]): string {
  return `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>`;
}

/**
 * The section as HTML. `renderChart` is report.html's own chart renderer (it numbers the
 * embedded configurations). Empty string when the results have no capacity runs.
 */
export function renderCapacitySectionHtml(
  results: BenchResults,
  renderChart: (chart: ChartSpec) => string,
): string {
  const groups = groupCapacity(results);
  if (groups.length === 0) return "";
  const held = buildHeldConnections(sunnyDayRuns(results));
  const parts: string[] = [
    `<section class="scenario" id="${CAPACITY_SECTION_ID}">`,
    "<h2>Capacity</h2>",
  ];
  for (const group of groups) {
    if (groups.length > 1) parts.push(`<h3>${escapeHtml(group.scenario)}</h3>`);
    parts.push(
      `<p class="method-line"><strong>Method:</strong> ${escapeHtml(describeCapacityMethod(group.results))}</p>`,
    );
    const { invalid, warnings } = notes(group.results);
    if (invalid.length > 0) {
      parts.push(
        `<div class="notes invalid"><strong>Invalid capacity runs: do not trust these numbers.</strong>${htmlList(invalid)}</div>`,
      );
    }
    if (warnings.length > 0) {
      parts.push(
        `<div class="notes warnings"><strong>Warnings</strong>${htmlList(warnings)}</div>`,
      );
    }
    const rows = buildCapacityRows(group.results).map((row) => ({
      className: [row.valid ? "" : "invalid", row.first ? "group-start" : ""]
        .filter(Boolean)
        .join(" "),
      cells: row.cells.map((cell, i) =>
        i === 0
          ? `<span class="swatch" style="background:${STRATEGY_COLORS[row.strategy]}"></span>${escapeHtml(cell)}${row.valid ? "" : '<span class="badge">invalid</span>'}`
          : escapeHtml(cell),
      ),
    }));
    parts.push(renderHtmlTable(capacityHeaders(group.results), rows, 2));
    parts.push(`<p class="legend">${escapeHtml(CLIENT_MODEL_LEGEND)}</p>`);
    const chart = buildCapacityChart(group.scenario, group.results);
    if (chart) parts.push(`<div class="charts">${renderChart(chart)}</div>`);
  }
  parts.push("<h3>Connections the harness held</h3>");
  if (held.length === 0) {
    parts.push(
      "<p>No valid simulated-client run in this results file; run e.g. the ramp scenario to see how many connections each server held and what each cost.</p>",
    );
  } else {
    parts.push(
      renderHtmlTable(
        HELD_HEADERS,
        held.map((row) => ({ cells: heldCells(row).map(escapeHtml) })),
        2,
      ),
    );
    parts.push(`<p class="legend">${escapeHtml(HELD_LEGEND)}</p>`);
  }
  parts.push("</section>");
  return parts.join("\n");
}

export const HELD_LEGEND =
  "The largest client count each strategy held in a valid run of this results file (all clients connected, driver healthy), measured with simulated clients rather than derived: RSS growth per open connection and server CPU per 1,000 deliveries in that run.";

/** A Markdown table; cells are plain text. (Same escaping as the verdict table.) */
type MarkdownTable = (
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  leftAligned?: number,
) => string;

/**
 * The section as Markdown lines (empty when there are no capacity runs). `images` are the
 * capacity charts' PNGs, relative to summary.md; `table` is summary.md's table renderer.
 */
export function renderCapacityMarkdown(
  results: BenchResults,
  images: readonly { title: string; path: string }[],
  table: MarkdownTable,
  escapeInline: (text: string) => string,
): string[] {
  const groups = groupCapacity(results);
  if (groups.length === 0) return [];
  const out: string[] = ["", "## Capacity"];
  for (const group of groups) {
    if (groups.length > 1) out.push("", `### ${escapeInline(group.scenario)}`);
    out.push("", `Method: ${escapeInline(describeCapacityMethod(group.results))}.`);
    const { invalid, warnings } = notes(group.results);
    if (invalid.length > 0) {
      out.push(
        "",
        "**Invalid capacity runs: do not trust these numbers.**",
        "",
        ...invalid.map((r) => `- ${escapeInline(r)}`),
      );
    }
    if (warnings.length > 0)
      out.push("", "Warnings:", "", ...warnings.map((w) => `- ${escapeInline(w)}`));
    const rows = buildCapacityRows(group.results).map((row) =>
      row.valid ? row.cells : [`${row.cells[0]} (INVALID)`, ...row.cells.slice(1)],
    );
    out.push(
      "",
      table(capacityHeaders(group.results), rows, 2),
      "",
      escapeInline(CLIENT_MODEL_LEGEND),
    );
    for (const image of images) {
      if (image.title.startsWith(`${group.scenario}: `)) {
        out.push("", `![${escapeInline(image.title)}](${encodeURI(image.path)})`);
      }
    }
  }
  const held = buildHeldConnections(sunnyDayRuns(results));
  out.push("", "### Connections the harness held", "");
  if (held.length === 0) {
    out.push(
      "No valid simulated-client run in this results file; run e.g. the ramp scenario to see how many connections each server held and what each cost.",
    );
  } else {
    out.push(table(HELD_HEADERS, held.map(heldCells), 2), "", escapeInline(HELD_LEGEND));
  }
  return out;
}

/**
 * Plain-text lines for the terminal summary of `npm run bench`: one line per capacity run
 * (empty when there are none).
 */
export function formatCapacitySummary(results: BenchResults): string[] {
  if (results.capacity.length === 0) return [];
  const lines = ["", "capacity (requests/s one server process answers):"];
  for (const r of results.capacity) {
    const clients = r.clientsPerProcess
      .map(
        (c) =>
          `${c.clients === null ? NOT_AVAILABLE : c.clients.toLocaleString("en-US")} ${c.label}`,
      )
      .join("; ");
    lines.push(
      `  ${r.scenario} ${r.strategy}: saturation ${rps(r.saturation.achievedRps)} (p99 ${formatCompact(r.saturation.p99Ms)} ms), max sustained ${rps(r.maxSustainedRps)} with p99 < ${r.p99BoundMs} ms${r.valid ? "" : " INVALID"}`,
      `    clients per process: ${clients}`,
      ...r.invalidReasons.map((reason) => `    INVALID: ${reason}`),
      ...r.warnings.map((warning) => `    warning: ${warning}`),
    );
  }
  return lines;
}
