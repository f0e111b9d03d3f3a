/**
 * The "Verdict" section of report.html and summary.md: the runs that could not finish, the
 * verdict table (one row per scenario step x strategy, its repetitions folded into mean and
 * 95 % interval, model/verdict.ts) and its legends. HTML and Markdown side by side.
 */
import type { BenchResults } from "../../model/results.ts";
import { escapeHtml, renderHtmlTable, renderNotesHtml, strategyCellHtml } from "../markup/html.ts";
import { escapeMarkdownInline, renderMarkdownTable } from "../markup/markdown.ts";
import { NOT_AVAILABLE } from "../model/format.ts";
import type { StepDiffs } from "../model/strategy-diffs.ts";
import {
  buildVerdictRows,
  describeFailedRuns,
  FIGURES_LEGEND,
  noVerdictRows,
  type VerdictRow,
  VS_BEST_LEGEND,
  verdictCellText,
  verdictHeaders,
} from "../model/verdict.ts";
import { sectionId } from "./scenarios.ts";

/** Anchor of the section in report.html. */
export const VERDICT_SECTION_ID = "verdict";

/** A figure: the value, and under it (smaller) its interval, so the column stays narrow. */
export function figureCellHtml(cell: VerdictRow["cells"][number]): string {
  const n = cell.n === null ? "" : ` n = ${cell.n}`;
  if (cell.interval === null) {
    return n === ""
      ? escapeHtml(cell.value)
      : `${escapeHtml(cell.value)}<span class="ci">${escapeHtml(n.trim())}</span>`;
  }
  return `${escapeHtml(cell.value)}<span class="ci">${escapeHtml(`${cell.interval}${n}`)}</span>`;
}

/** "n = 3", or "2 of 3 valid" marked, with the invalid reasons on hover. */
function runsCellHtml(row: VerdictRow): string {
  if (row.invalidNotes.length === 0) return escapeHtml(row.runs);
  return `<a class="warn" href="#${escapeHtml(sectionId(row.scenario))}" title="${escapeHtml(row.invalidNotes.join("\n"))}">${escapeHtml(row.runs)}</a>`;
}

/** The verdict table as HTML; invalid rows are tinted and badged, new steps get a rule. */
export function renderVerdictTableHtml(
  results: BenchResults,
  diffs?: readonly StepDiffs[],
): string {
  const rows = buildVerdictRows(results, diffs);
  if (rows.length === 0) return `<p>${escapeHtml(noVerdictRows(results))}</p>`;
  let previousGroup = "";
  const htmlRows = rows.map((row) => {
    const group = `${row.scenario}\u0000${row.step}`;
    const classes = [
      row.valid ? "" : "invalid",
      group !== previousGroup ? "group-start" : "",
    ].filter(Boolean);
    previousGroup = group;
    return {
      className: classes.join(" "),
      cells: [
        `<a href="#${escapeHtml(sectionId(row.scenario))}">${escapeHtml(row.scenario)}</a>`,
        escapeHtml(row.step),
        strategyCellHtml(row.strategy, row.strategy, row.valid),
        runsCellHtml(row),
        ...row.cells.map(figureCellHtml),
        escapeHtml(row.lostDuplicates),
        // one line per compared figure, so the column stays narrow
        row.vsBest.split(" · ").map(escapeHtml).join("<br>"),
      ],
    };
  });
  return renderHtmlTable(verdictHeaders(), htmlRows, 4);
}

/** The section as HTML: failed runs in plain sight above the table, the legends under it. */
export function renderVerdictSectionHtml(
  results: BenchResults,
  diffs?: readonly StepDiffs[],
): string {
  return [
    `<section id="${VERDICT_SECTION_ID}">`,
    "<h2>Verdict</h2>",
    renderNotesHtml("invalid", "Failed runs: these have no numbers.", describeFailedRuns(results)),
    renderVerdictTableHtml(results, diffs),
    `<p class="legend">${escapeHtml(FIGURES_LEGEND)}</p>`,
    `<p class="legend">${escapeHtml(VS_BEST_LEGEND)} Latency is publish-to-receive from the intended send time; "${NOT_AVAILABLE}" means not measurable in that run (for example nothing was delivered), never zero. Lost / dup counts the whole run, summed over the repetitions.</p>`,
    "</section>",
  ].join("\n");
}

/** One row per scenario step x strategy, same columns as the HTML verdict table. */
export function renderVerdictTableMarkdown(
  results: BenchResults,
  diffs?: readonly StepDiffs[],
): string {
  const verdictRows = buildVerdictRows(results, diffs);
  if (verdictRows.length === 0) return escapeMarkdownInline(noVerdictRows(results));
  const rows = verdictRows.map((row) => [
    row.scenario,
    row.step,
    row.valid ? row.strategy : `${row.strategy} (INVALID)`,
    row.runs,
    ...row.cells.map(verdictCellText),
    row.lostDuplicates,
    row.vsBest,
  ]);
  return renderMarkdownTable(verdictHeaders(), rows, 4);
}

/** The section as Markdown lines. */
export function renderVerdictSectionMarkdown(
  results: BenchResults,
  diffs?: readonly StepDiffs[],
): string[] {
  const invalid = buildVerdictRows(results, diffs).flatMap((row) =>
    row.valid
      ? row.invalidNotes.map(
          (note) => `${row.scenario}${row.step ? ` [${row.step}]` : ""} ${row.strategy} ${note}`,
        )
      : [],
  );
  return [
    "## Verdict",
    "",
    ...describeFailedRuns(results).flatMap((line) => [
      `- **Failed:** ${escapeMarkdownInline(line)}`,
      "",
    ]),
    renderVerdictTableMarkdown(results, diffs),
    "",
    escapeMarkdownInline(FIGURES_LEGEND),
    ...(invalid.length > 0
      ? [
          "",
          'Invalid repetitions (counted in "runs", left out of the figures):',
          "",
          ...invalid.map((line) => `- ${escapeMarkdownInline(line)}`),
        ]
      : []),
    "",
    `${escapeMarkdownInline(VS_BEST_LEGEND)} "${NOT_AVAILABLE}" means not measurable in that run, never zero.`,
  ];
}
