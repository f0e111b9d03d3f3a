/**
 * "The answer", the first section of report.html and summary.md and the first thing
 * `npm run bench` prints: per workload that ran, a short paragraph and a table of what matters
 * for the choice per strategy (model/answer.ts), then where the choice flips along the sweeps
 * and how each strategy recovered from the faults that ran. HTML, Markdown and plain text side
 * by side so the three say the same.
 */
import type { BenchResults } from "../../model/results.ts";
import { escapeHtml, renderHtmlList, renderHtmlTable } from "../markup/html.ts";
import { escapeMarkdownInline, renderMarkdownTable } from "../markup/markdown.ts";
import {
  ANSWER_LEGEND,
  type Answer,
  type AnswerCell,
  type AnswerRow,
  buildAnswer,
  markWords,
  type WorkloadAnswer,
} from "../model/answer.ts";
import { formatNumber } from "../model/format.ts";
import { ESTIMATE_LIMITS } from "../model/scale.ts";
import {
  buildScaleRows,
  buildUnitCostRows,
  droppedTermNotes,
  type ScaleRow,
  scaleBasisNote,
  UNIT_COST_HEADERS,
  UNIT_COSTS_LEGEND,
} from "../model/scale-tables.ts";

/** Anchor of the section in report.html. */
export const ANSWER_SECTION_ID = "answer";

function cellText(cell: AnswerCell): string {
  const value =
    cell.text.interval === null ? cell.text.value : `${cell.text.value} ${cell.text.interval}`;
  const mark = markWords(cell);
  return mark === "" ? value : `${value} (${mark})`;
}

function workloadTitle(workload: WorkloadAnswer): string {
  return workload.step === "" ? workload.scenario : `${workload.scenario} [${workload.step}]`;
}

function headers(workload: WorkloadAnswer): string[] {
  return ["figure", ...workload.strategies];
}

function cellHtml(cell: AnswerCell): string {
  const value = escapeHtml(cell.text.value);
  const interval =
    cell.text.interval === null ? "" : `<span class="ci">${escapeHtml(cell.text.interval)}</span>`;
  const mark = markWords(cell);
  const badge =
    mark === ""
      ? ""
      : `<span class="mark${cell.mark === "best" ? " best" : ""}">${escapeHtml(mark)}</span>`;
  const open = cell.mark === "best" ? "<strong>" : "";
  const close = cell.mark === "best" ? "</strong>" : "";
  return `${open}${value}${close}${interval}${badge}`;
}

function rowHtml(row: AnswerRow) {
  return { className: "", cells: [escapeHtml(row.label), ...row.cells.map(cellHtml)] };
}

function scaleTitle(targetUsers: number): string {
  return `At ${formatNumber(targetUsers)} users (estimate; set with --target-users)`;
}

function scaleCells(row: ScaleRow): string[] {
  return [row.label, ...row.cells.map((c) => (c.best ? `${c.text} (lowest)` : c.text))];
}

function scaleHeaders(workload: WorkloadAnswer): string[] {
  return ["estimate", ...workload.estimates.map((e) => e.strategy)];
}

function noteLines(workload: WorkloadAnswer): string[] {
  const note = scaleBasisNote(workload.estimates);
  return note === null ? [] : [note];
}

function workloadHtml(workload: WorkloadAnswer, targetUsers: number): string {
  return [
    `<h3>${escapeHtml(workloadTitle(workload))}</h3>`,
    `<p><em>${escapeHtml(workload.workload)}; ${escapeHtml(workload.runs)}.</em> ${escapeHtml(workload.paragraph)}</p>`,
    renderHtmlTable(headers(workload), workload.rows.map(rowHtml), 1),
    ...(workload.estimates.length === 0
      ? []
      : [
          `<h4>${escapeHtml(scaleTitle(targetUsers))}</h4>`,
          renderHtmlTable(
            scaleHeaders(workload),
            buildScaleRows(workload.estimates).map((r) => ({
              className: "",
              cells: scaleCells(r).map(escapeHtml),
            })),
            1,
          ),
          ...noteLines(workload).map((note) => `<p class="legend">${escapeHtml(note)}</p>`),
        ]),
  ].join("\n");
}

function faultStrategies(answer: Answer): string[] {
  return [...new Set(answer.faults.flatMap((row) => row.cells.map((c) => c.strategy)))];
}

function faultTableRows(answer: Answer): string[][] {
  const strategies = faultStrategies(answer);
  return answer.faults.map((row) => [
    row.kind,
    ...strategies.map((strategy) => {
      const cell = row.cells.find((c) => c.strategy === strategy);
      if (cell === undefined) return "—";
      return row.best === strategy ? `${cell.text} (best)` : cell.text;
    }),
  ]);
}

/** The terminal's unit-cost columns: strategy, the per-unit terms, RSS per connection, fit error, check. */
const TEXT_UNIT_COST_COLUMNS: readonly number[] = [0, 3, 4, 5, 7, 9, 10];

/** The strategies whose fit has a per-connection cost: the others' unit costs say nothing. */
function fittedCosts(answer: Answer): Answer["unitCosts"] {
  return answer.unitCosts.filter((c) => c.cpu.terms.includes("connection"));
}

/** True when there is anything to answer. */
function hasAnswer(answer: Answer): boolean {
  return answer.workloads.length > 0 || answer.flips.length > 0 || answer.faults.length > 0;
}

/** The section as HTML, or "" when the results hold nothing to compare. */
export function renderAnswerSectionHtml(
  results: BenchResults,
  answer = buildAnswer(results),
): string {
  if (!hasAnswer(answer)) return "";
  const parts = [`<section id="${ANSWER_SECTION_ID}">`, "<h2>The answer</h2>"];
  for (const workload of answer.workloads) parts.push(workloadHtml(workload, answer.targetUsers));
  if (answer.workloads.length > 0) {
    parts.push(`<p class="legend">${escapeHtml(ANSWER_LEGEND)}</p>`);
  }
  if (fittedCosts(answer).length > 0) {
    parts.push(
      "<h3>Unit costs behind the estimates</h3>",
      renderHtmlTable(
        UNIT_COST_HEADERS,
        buildUnitCostRows(fittedCosts(answer)).map((cells) => ({
          className: "",
          cells: cells.map(escapeHtml),
        })),
        1,
      ),
      renderHtmlList(droppedTermNotes(fittedCosts(answer))),
      `<p class="legend">${escapeHtml(UNIT_COSTS_LEGEND)} ${escapeHtml(ESTIMATE_LIMITS)}</p>`,
    );
  }
  if (answer.flips.length > 0) {
    parts.push("<h3>Where the choice flips</h3>", renderHtmlList(answer.flips));
  }
  if (answer.faults.length > 0) {
    parts.push(
      "<h3>Recovery from the faults that ran</h3>",
      renderHtmlTable(
        ["fault", ...faultStrategies(answer)],
        faultTableRows(answer).map((cells) => ({ className: "", cells: cells.map(escapeHtml) })),
        1,
      ),
    );
  }
  parts.push("</section>");
  return parts.join("\n");
}

/** The section as Markdown lines; none when the results hold nothing to compare. */
export function renderAnswerSectionMarkdown(
  results: BenchResults,
  answer = buildAnswer(results),
): string[] {
  if (!hasAnswer(answer)) return [];
  const out = ["## The answer", ""];
  for (const workload of answer.workloads) {
    out.push(
      `### ${escapeMarkdownInline(workloadTitle(workload))}`,
      "",
      `*${escapeMarkdownInline(workload.workload)}; ${escapeMarkdownInline(workload.runs)}.* ${escapeMarkdownInline(workload.paragraph)}`,
      "",
      renderMarkdownTable(
        headers(workload),
        workload.rows.map((row) => [row.label, ...row.cells.map(cellText)]),
        1,
      ),
      "",
    );
    if (workload.estimates.length > 0) {
      out.push(
        `**${escapeMarkdownInline(scaleTitle(answer.targetUsers))}**`,
        "",
        renderMarkdownTable(
          scaleHeaders(workload),
          buildScaleRows(workload.estimates).map(scaleCells),
          1,
        ),
        "",
        ...noteLines(workload).flatMap((note) => [escapeMarkdownInline(note), ""]),
      );
    }
  }
  if (answer.workloads.length > 0) out.push(escapeMarkdownInline(ANSWER_LEGEND), "");
  if (fittedCosts(answer).length > 0) {
    out.push(
      "### Unit costs behind the estimates",
      "",
      renderMarkdownTable(UNIT_COST_HEADERS, buildUnitCostRows(fittedCosts(answer)), 1),
      "",
      ...droppedTermNotes(fittedCosts(answer)).map((note) => `- ${escapeMarkdownInline(note)}`),
      "",
      `${escapeMarkdownInline(UNIT_COSTS_LEGEND)} ${escapeMarkdownInline(ESTIMATE_LIMITS)}`,
      "",
    );
  }
  if (answer.flips.length > 0) {
    out.push(
      "### Where the choice flips",
      "",
      ...answer.flips.map((f) => `- ${escapeMarkdownInline(f)}`),
      "",
    );
  }
  if (answer.faults.length > 0) {
    out.push(
      "### Recovery from the faults that ran",
      "",
      renderMarkdownTable(["fault", ...faultStrategies(answer)], faultTableRows(answer), 1),
      "",
    );
  }
  return out;
}

/** Pads plain-text table columns to their widest cell. */
function textTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => cell + " ".repeat((widths[i] ?? 0) - [...cell].length))
      .join("  ")
      .trimEnd(),
  );
}

/** The answer for the terminal: per workload its line, paragraph and table; flips; faults. */
export function renderAnswerText(results: BenchResults, answer = buildAnswer(results)): string[] {
  if (!hasAnswer(answer)) return [];
  const out = ["The answer"];
  for (const workload of answer.workloads) {
    out.push(
      "",
      `${workloadTitle(workload)}: ${workload.workload}; ${workload.runs}.`,
      workload.paragraph,
      ...textTable([
        headers(workload),
        ...workload.rows.map((row) => [row.label, ...row.cells.map(cellText)]),
      ]).map((line) => `  ${line}`),
    );
    if (workload.estimates.length > 0) {
      out.push(
        `  ${scaleTitle(answer.targetUsers)}:`,
        ...textTable([
          scaleHeaders(workload),
          ...buildScaleRows(workload.estimates).map(scaleCells),
        ]).map((line) => `    ${line}`),
        ...noteLines(workload).map((note) => `    ${note}`),
      );
    }
  }
  if (fittedCosts(answer).length > 0) {
    const pick = (cells: readonly string[]) => TEXT_UNIT_COST_COLUMNS.map((i) => cells[i] ?? "");
    out.push(
      "",
      "Unit costs behind the estimates (fitted over every run; report.html has all columns):",
      ...textTable([
        pick(UNIT_COST_HEADERS),
        ...buildUnitCostRows(fittedCosts(answer)).map(pick),
      ]).map((line) => `  ${line}`),
    );
  }
  if (answer.flips.length > 0)
    out.push("", "Where the choice flips:", ...answer.flips.map((f) => `  ${f}`));
  if (answer.faults.length > 0) {
    out.push(
      "",
      "Recovery from the faults that ran:",
      ...textTable([["fault", ...faultStrategies(answer)], ...faultTableRows(answer)]).map(
        (line) => `  ${line}`,
      ),
    );
  }
  return out;
}
