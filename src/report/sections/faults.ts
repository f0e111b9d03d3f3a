/**
 * The "Faults" section of report.html and summary.md: what each fault tests and what was
 * injected, one table per fault kind (a row per strategy), the time-to-recover chart, and how
 * to read them. Pure; renders nothing at all (not even a heading) without fault runs.
 */
import type { BenchResults } from "../../model/results.ts";
import type { ChartSpec } from "../charts/chart-spec.ts";
import { buildFaultRecoveryChart, FAULT_CHART_TITLE } from "../charts/fault-recovery.ts";
import { escapeHtml, renderHtmlTable, strategyCellHtml } from "../markup/html.ts";
import {
  escapeMarkdownInline,
  type MarkdownImage,
  renderMarkdownImage,
  renderMarkdownTable,
} from "../markup/markdown.ts";
import type { FaultCell, FaultColumnId } from "../model/fault-cells.ts";
import { describeNotRecovered, faultRunLabel, groupFaultsByKind } from "../model/fault-runs.ts";
import {
  buildFaultTables,
  FAULT_LEGEND,
  type FaultColumn,
  type FaultTable,
  type FaultTableRow,
} from "../model/fault-table.ts";
import { NOT_AVAILABLE } from "../model/format.ts";

/** Anchor of the section in report.html. */
export const FAULTS_SECTION_ID = "faults";

export const FAULTS_INTRO =
  "Each fault scenario injects one fault into an otherwise steady run, once per strategy (and repetition). These runs are kept out of the verdict and the scenario charts above: a fault distorts latency and cost on purpose. What matters here is whether and how fast each strategy came back, and what it lost or spent doing so.";

/** Anchor of one fault kind's table. */
export function faultAnchor(kind: string): string {
  return `fault-${kind.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** HTML for one cell: n/a with its reason as a tooltip, failures and warnings highlighted. */
export function renderFaultCellHtml(cell: FaultCell): string {
  // a mean with its interval: the interval on a second, smaller line, as in the verdict table
  const interval = /^([^[]+) (\[[^\]]*\].*)$/.exec(cell.text);
  const text =
    interval === null
      ? escapeHtml(cell.text)
      : `${escapeHtml(interval[1] ?? "")}<span class="ci">${escapeHtml(interval[2] ?? "")}</span>`;
  if (cell.text === NOT_AVAILABLE && cell.naReason !== undefined) {
    return `<span class="na" title="${escapeHtml(cell.naReason)}">${text}</span>`;
  }
  const title = cell.flagReason ?? cell.naReason;
  const titleAttr = title === undefined ? "" : ` title="${escapeHtml(title)}"`;
  if (cell.flag === "failure") return `<span class="flag"${titleAttr}>⚠ ${text}</span>`;
  if (cell.flag === "warning") return `<span class="warn"${titleAttr}>${text}</span>`;
  return title === undefined ? text : `<span${titleAttr}>${text}</span>`;
}

/** Plain text for one Markdown cell: failures marked ⚠ (the table renderer escapes). */
export function renderFaultCellText(cell: FaultCell): string {
  return cell.flag === "failure" ? `⚠ ${cell.text}` : cell.text;
}

/** Indexes of the text (left-aligned) columns; a "runs" column after the strategy shifts them. */
function textColumnsOf(columns: readonly FaultColumn[], repeated = false): number[] {
  const shift = (i: number) => (repeated && i > 0 ? i + 1 : i);
  return [
    ...columns.flatMap((column, i) => (column.text ? [shift(i)] : [])),
    ...(repeated ? [1] : []),
  ];
}

/** Headers, with "runs" after the strategy when the table has repetitions. */
function headersOf(table: FaultTable, columns: readonly { header: string }[]): string[] {
  const headers = columns.map((c) => c.header);
  return table.repeated ? [headers[0] ?? "strategy", "runs", ...headers.slice(1)] : headers;
}

/** Row cells, with the runs marker after the strategy when the table has repetitions. */
function withRuns<T>(table: FaultTable, cells: readonly T[], runs: T): T[] {
  return table.repeated ? [cells[0] as T, runs, ...cells.slice(1)] : [...cells];
}

function renderRowHtml(table: FaultTable, row: FaultTableRow) {
  return {
    className: row.recovered && row.valid ? "" : "invalid",
    cells: withRuns(table, renderCellsHtml(table, row), escapeHtml(row.runs)),
  };
}

function renderCellsHtml(table: FaultTable, row: FaultTableRow): string[] {
  return row.cells.map((cell, i) => {
    const column = table.columns[i];
    switch (column?.id) {
      case "strategy":
        return strategyCellHtml(row.strategy, cell.text, row.valid);
      case "recovered":
        if (row.recovered) return "yes";
        return row.group.runs.length > 1
          ? `<span class="badge">${escapeHtml(cell.text)} recovered</span>`
          : '<span class="badge">not recovered</span>';
      default:
        return column?.wrap
          ? `<div class="cell-prose">${renderFaultCellHtml(cell)}</div>`
          : renderFaultCellHtml(cell);
    }
  });
}

/**
 * The section as HTML. `renderChart` is report.html's own chart renderer (it numbers the
 * embedded configurations). Empty string when the results have no fault runs.
 */
export function renderFaultSectionHtml(
  results: BenchResults,
  renderChart: (chart: ChartSpec) => string,
): string {
  const groups = groupFaultsByKind(results);
  if (groups.length === 0) return "";
  const tables = buildFaultTables(groups);
  const chart = buildFaultRecoveryChart(groups);
  const notRecovered = describeNotRecovered(results);
  const parts = [
    `<section class="scenario" id="${FAULTS_SECTION_ID}">`,
    "<h2>Faults</h2>",
    `<p>${escapeHtml(FAULTS_INTRO)}</p>`,
    chart ? `<div class="charts">${renderChart(chart)}</div>` : "",
    notRecovered ? `<p class="legend flag">${escapeHtml(notRecovered)}</p>` : "",
  ];
  for (const table of tables) {
    parts.push(
      `<h3 id="${escapeHtml(faultAnchor(table.kind))}">${escapeHtml(table.kind)}</h3>`,
      `<p class="method-line"><strong>Tests:</strong> ${escapeHtml(table.explainer)}<br><strong>Injected:</strong> ${escapeHtml(table.injected)}</p>`,
      renderHtmlTable(
        headersOf(table, table.columns),
        table.rows.map((row) => renderRowHtml(table, row)),
        textColumnsOf(table.columns, table.repeated),
      ),
    );
  }
  parts.push(`<p class="legend">${escapeHtml(FAULT_LEGEND)}</p>`, "</section>");
  return parts.filter(Boolean).join("\n");
}

/**
 * Markdown folds column pairs into one ("a / b") to stay readable in a README column; the second
 * column of a pair is dropped from the table.
 */
const MERGED: readonly { into: FaultColumnId; from: FaultColumnId; header: string }[] = [
  { into: "timeToBack", from: "timeToRecover", header: "back / recovered after" },
  { into: "lost", from: "duplicates", header: "lost / dup" },
  { into: "extraRequests", from: "extraBytes", header: "extra requests / bytes" },
  { into: "errors", from: "publishFailures", header: "errors / publish failures" },
  { into: "serverCuts", from: "cutReasons", header: "server cuts (reasons)" },
];

function markdownCell(
  id: FaultColumnId,
  row: FaultTableRow,
  byId: ReadonlyMap<FaultColumnId, FaultCell>,
): string {
  const cell = byId.get(id) ?? { text: "" };
  if (id === "strategy") return row.valid ? cell.text : `${cell.text} (INVALID)`;
  if (id === "recovered") {
    if (row.recovered) return "yes";
    return row.group.runs.length > 1 ? `⚠ ${cell.text} RECOVERED` : "⚠ NOT RECOVERED";
  }
  const text = renderFaultCellText(cell);
  const pair = MERGED.find((m) => m.into === id);
  const second = pair === undefined ? undefined : byId.get(pair.from);
  if (second === undefined) return text;
  if (id === "serverCuts") {
    return second.text === "" || second.text === NOT_AVAILABLE ? text : `${text} (${second.text})`;
  }
  return `${text} / ${renderFaultCellText(second)}`;
}

/** One compact Markdown table and, under it, why each n/a in it is n/a. */
function renderTableMarkdown(table: FaultTable): string[] {
  const folded = new Set(MERGED.map((m) => m.from));
  const shown = table.columns.filter((c) => !folded.has(c.id));
  const headers = headersOf(
    table,
    shown.map((c) => ({ header: MERGED.find((m) => m.into === c.id)?.header ?? c.header })),
  );
  const rows = table.rows.map((row) => {
    const byId = new Map(table.columns.map((c, i) => [c.id, row.cells[i] ?? { text: "" }]));
    return withRuns(
      table,
      shown.map((c) => markdownCell(c.id, row, byId)),
      row.runs,
    );
  });
  // n/a reasons, each once per column with the runs it applies to
  const reasons = new Map<string, string[]>();
  table.columns.forEach((column, i) => {
    if (column.id === "cutReasons") return; // said with server cuts
    for (const row of table.rows) {
      const reason = row.cells[i]?.naReason;
      if (reason === undefined) continue;
      const key = `${column.header}: ${reason}`;
      reasons.set(key, [...(reasons.get(key) ?? []), faultRunLabel(row.run)]);
    }
  });
  const notes = [...reasons].map(
    ([key, runs]) => `- ${NOT_AVAILABLE} in ${escapeMarkdownInline(key)} (${runs.join(", ")})`,
  );
  return [
    renderMarkdownTable(headers, rows, textColumnsOf(shown, table.repeated)),
    ...(notes.length > 0 ? ["", ...notes] : []),
  ];
}

/**
 * The section as Markdown lines (empty when there are no fault runs). `images` are summary.md's
 * chart images: the fault chart is the one titled FAULT_CHART_TITLE.
 */
export function renderFaultSectionMarkdown(
  results: BenchResults,
  images: readonly MarkdownImage[],
): string[] {
  const groups = groupFaultsByKind(results);
  if (groups.length === 0) return [];
  const out = ["", "## Faults", "", escapeMarkdownInline(FAULTS_INTRO)];
  for (const image of images.filter((i) => i.title === FAULT_CHART_TITLE)) {
    out.push("", renderMarkdownImage(image));
  }
  const notRecovered = describeNotRecovered(results);
  if (notRecovered) {
    out.push("", `**${escapeMarkdownInline(notRecovered)}**`);
  }
  for (const table of buildFaultTables(groups)) {
    out.push(
      "",
      `### ${escapeMarkdownInline(table.kind)}`,
      "",
      `Tests: ${escapeMarkdownInline(table.explainer)}  `,
      `Injected: ${escapeMarkdownInline(table.injected)}.`,
      "",
      ...renderTableMarkdown(table),
    );
  }
  out.push("", escapeMarkdownInline(FAULT_LEGEND));
  return out;
}
