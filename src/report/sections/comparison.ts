/**
 * The tables of comparison.html and comparison.md: the sunny-day groups (each figure's change
 * with its interval and a verdict; regressions flagged ⚠) with the legend of how verdicts are
 * decided, then the fault groups with their footnote (only when either run has fault runs).
 * HTML and Markdown side by side.
 */
import { escapeHtml, renderHtmlTable } from "../markup/html.ts";
import { escapeMarkdownInline, renderMarkdownTable } from "../markup/markdown.ts";
import {
  COMPARISON_HEADERS,
  COMPARISON_LEGEND,
  type ComparedCell,
  type ComparisonRow,
} from "../model/comparison.ts";
import {
  FAULT_COMPARISON_FOOTNOTE,
  FAULT_COMPARISON_HEADERS,
  type FaultComparedCell,
  type FaultComparisonRow,
} from "../model/fault-comparison.ts";

/** A compared row is plain; one that was not compared (invalid, or on one side only) is tinted. */
function rowClass(status: ComparisonRow["status"]): { className?: string } {
  return status === "compared" ? {} : { className: "invalid" };
}

/** The CSS class of a verdict (html-page.ts colours them). */
function verdictClass(verdict: ComparedCell["verdict"]): string {
  switch (verdict) {
    case "regressed":
      return "flag";
    case "improved":
      return "good";
    case "inconclusive":
    case "within-noise":
      return "ns";
    default:
      return "";
  }
}

/**
 * Two lines: the means A → B, then the change with its interval and the verdict. "Within
 * noise" keeps its runs-per-side estimate for the tooltip (with compareSamples' reason), so
 * the column stays narrow; the Markdown cell says all of it.
 */
function comparedCellHtml(cell: ComparedCell): string {
  if (cell.verdict === null || cell.phrase === null) return escapeHtml(cell.values);
  const shown = cell.verdict === "within-noise" ? "within noise" : cell.phrase;
  const tip = [cell.phrase === shown ? "" : cell.phrase, cell.reason ?? ""].filter(Boolean);
  const title = tip.length === 0 ? "" : ` title="${escapeHtml(tip.join(": "))}"`;
  return `${escapeHtml(cell.values)}<span class="ci ${verdictClass(cell.verdict)}"${title}>${escapeHtml(`${cell.change} · ${shown}`)}</span>`;
}

export function renderComparisonTableHtml(rows: readonly ComparisonRow[]): string {
  const htmlRows = rows.map((r) => ({
    ...rowClass(r.status),
    cells: [
      escapeHtml(r.scenario),
      escapeHtml(r.step),
      escapeHtml(r.strategy),
      escapeHtml(r.status),
      escapeHtml(r.runs),
      ...r.cells.map(comparedCellHtml),
    ],
  }));
  return [
    renderHtmlTable(COMPARISON_HEADERS, htmlRows, 5),
    `<p class="legend">${escapeHtml(COMPARISON_LEGEND)}</p>`,
  ].join("\n");
}

export function renderComparisonTableMarkdown(rows: readonly ComparisonRow[]): string[] {
  const mdRows = rows.map((r) => [
    r.scenario,
    r.step,
    r.strategy,
    r.status,
    r.runs,
    ...r.cells.map((c) => c.text),
  ]);
  return [renderMarkdownTable(COMPARISON_HEADERS, mdRows, 5), "", COMPARISON_LEGEND];
}

function faultCells(row: FaultComparisonRow): string[] {
  return [row.kind, row.strategy, row.status, row.runs, ...row.cells.map((c) => c.text)];
}

function faultCellHtml(cell: FaultComparedCell): string {
  if (cell.verdict === null) return escapeHtml(cell.text);
  const title = cell.reason === null ? "" : ` title="${escapeHtml(cell.reason)}"`;
  return `<span class="${verdictClass(cell.verdict)}"${title}>${escapeHtml(cell.text)}</span>`;
}

/** The "Faults" part of comparison.html; "" when neither run has fault runs. */
export function renderFaultComparisonHtml(rows: readonly FaultComparisonRow[]): string {
  if (rows.length === 0) return "";
  const htmlRows = rows.map((row) => ({
    ...rowClass(row.status),
    cells: [
      ...[row.kind, row.strategy, row.status, row.runs].map(escapeHtml),
      ...row.cells.map(faultCellHtml),
    ],
  }));
  return [
    "<h2>Faults</h2>",
    renderHtmlTable(FAULT_COMPARISON_HEADERS, htmlRows, 4),
    `<p class="legend">${escapeHtml(FAULT_COMPARISON_FOOTNOTE)}</p>`,
  ].join("\n");
}

/** The "Faults" part of comparison.md: lines, none when neither run has fault runs. */
export function renderFaultComparisonMarkdown(rows: readonly FaultComparisonRow[]): string[] {
  if (rows.length === 0) return [];
  return [
    "## Faults",
    "",
    renderMarkdownTable(FAULT_COMPARISON_HEADERS, rows.map(faultCells), 4),
    "",
    `${escapeMarkdownInline(FAULT_COMPARISON_FOOTNOTE)}`,
    "",
  ];
}
