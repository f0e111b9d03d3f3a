/**
 * The "Capacity" section of report.html and summary.md, and its lines in the terminal summary of
 * `npm run bench`: per capacity scenario its method, notes, table and chart, then the connections
 * the simulated-client runs held. Renders nothing at all when `capacity` is empty.
 */
import type { BenchResults, CapacityResult } from "../../model/results.ts";
import { buildCapacityChart } from "../charts/capacity.ts";
import type { ChartSpec } from "../charts/chart-spec.ts";
import { escapeHtml, renderHtmlTable, renderNotesHtml, strategyCellHtml } from "../markup/html.ts";
import {
  escapeMarkdownInline,
  type MarkdownImage,
  renderMarkdownImage,
  renderMarkdownNotes,
  renderMarkdownTable,
} from "../markup/markdown.ts";
import {
  buildCapacityRows,
  buildHeldConnections,
  CLIENT_MODEL_LEGEND,
  capacityHeaders,
  capacityNotes,
  describeCapacityMethod,
  groupCapacity,
  HELD_HEADERS,
  HELD_LEGEND,
  heldCells,
  rps,
} from "../model/capacity.ts";
import { formatCompact, NOT_AVAILABLE } from "../model/format.ts";
import { sunnyDayRuns } from "../model/run-groups.ts";

/** Anchor of the section in report.html. */
export const CAPACITY_SECTION_ID = "capacity";

const INVALID_TITLE = "Invalid capacity runs: do not trust these numbers.";

const NO_HELD_RUN =
  "No valid simulated-client run in this results file; run e.g. the ramp scenario to see how many connections each server held and what each cost.";

/** One capacity scenario as HTML: method line, notes, table, legend and chart. */
function renderGroupHtml(
  scenario: string,
  results: readonly CapacityResult[],
  renderChart: (chart: ChartSpec) => string,
): string[] {
  const { invalid, warnings } = capacityNotes(results);
  const rows = buildCapacityRows(results).map((row) => ({
    className: [row.valid ? "" : "invalid", row.first ? "group-start" : ""]
      .filter(Boolean)
      .join(" "),
    cells: row.cells.map((cell, i) =>
      i === 0 ? strategyCellHtml(row.strategy, cell, row.valid) : escapeHtml(cell),
    ),
  }));
  const chart = buildCapacityChart(scenario, results);
  return [
    `<p class="method-line"><strong>Method:</strong> ${escapeHtml(describeCapacityMethod(results))}</p>`,
    renderNotesHtml("invalid", INVALID_TITLE, invalid),
    renderNotesHtml("warnings", "Warnings", warnings),
    renderHtmlTable(capacityHeaders(results), rows, 2),
    `<p class="legend">${escapeHtml(CLIENT_MODEL_LEGEND)}</p>`,
    chart ? `<div class="charts">${renderChart(chart)}</div>` : "",
  ].filter(Boolean);
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
    parts.push(...renderGroupHtml(group.scenario, group.results, renderChart));
  }
  parts.push("<h3>Connections the harness held</h3>");
  if (held.length === 0) {
    parts.push(`<p>${NO_HELD_RUN}</p>`);
  } else {
    const rows = held.map((row) => ({ cells: heldCells(row).map(escapeHtml) }));
    parts.push(
      renderHtmlTable(HELD_HEADERS, rows, 2),
      `<p class="legend">${escapeHtml(HELD_LEGEND)}</p>`,
    );
  }
  parts.push("</section>");
  return parts.join("\n");
}

/** One capacity scenario as Markdown lines: method line, notes, table, legend and its images. */
function renderGroupMarkdown(
  scenario: string,
  results: readonly CapacityResult[],
  images: readonly MarkdownImage[],
): string[] {
  const { invalid, warnings } = capacityNotes(results);
  const rows = buildCapacityRows(results).map((row) =>
    row.valid ? row.cells : [`${row.cells[0]} (INVALID)`, ...row.cells.slice(1)],
  );
  return [
    "",
    `Method: ${escapeMarkdownInline(describeCapacityMethod(results))}.`,
    ...renderMarkdownNotes(`**${INVALID_TITLE}**`, invalid),
    ...renderMarkdownNotes("Warnings:", warnings),
    "",
    renderMarkdownTable(capacityHeaders(results), rows, 2),
    "",
    escapeMarkdownInline(CLIENT_MODEL_LEGEND),
    ...images
      .filter((image) => image.title.startsWith(`${scenario}: `))
      .flatMap((image) => ["", renderMarkdownImage(image)]),
  ];
}

/**
 * The section as Markdown lines (empty when there are no capacity runs). `images` are the
 * capacity charts' PNGs, relative to summary.md.
 */
export function renderCapacityMarkdown(
  results: BenchResults,
  images: readonly MarkdownImage[],
): string[] {
  const groups = groupCapacity(results);
  if (groups.length === 0) return [];
  const out: string[] = ["", "## Capacity"];
  for (const group of groups) {
    if (groups.length > 1) out.push("", `### ${escapeMarkdownInline(group.scenario)}`);
    out.push(...renderGroupMarkdown(group.scenario, group.results, images));
  }
  const held = buildHeldConnections(sunnyDayRuns(results));
  out.push("", "### Connections the harness held", "");
  if (held.length === 0) {
    out.push(NO_HELD_RUN);
  } else {
    out.push(
      renderMarkdownTable(HELD_HEADERS, held.map(heldCells), 2),
      "",
      escapeMarkdownInline(HELD_LEGEND),
    );
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
