/**
 * The "Between strategies" section of report.html and summary.md, right after the verdict:
 * per scenario step one row per pair of strategies, each headline figure as "a vs b" with its
 * 95 % interval, bold when significant after Holm's adjustment across the step, "n.s."
 * otherwise (model/strategy-diffs.ts decides). Steps of single runs get no row but a line that
 * says so, and a file of single runs gets only that line. HTML and Markdown side by side.
 */
import type { BenchResults } from "../../model/results.ts";
import { escapeHtml, renderHtmlTable } from "../markup/html.ts";
import { escapeMarkdownInline, renderMarkdownTable } from "../markup/markdown.ts";
import { METRICS, VERDICT_METRICS } from "../model/metrics.ts";
import {
  buildStrategyDiffs,
  pairLabel,
  SINGLE_RUNS_NOTE,
  STRATEGY_DIFFS_LEGEND,
  type StepDiffs,
  type StrategyDiff,
} from "../model/strategy-diffs.ts";

/** Anchor of the section in report.html. */
export const STRATEGY_DIFFS_SECTION_ID = "between-strategies";

const TITLE = "Between strategies";

export const STRATEGY_DIFFS_HEADERS: readonly string[] = [
  "scenario",
  "step",
  "comparison",
  "valid runs",
  ...VERDICT_METRICS.map((id) => METRICS[id].label),
];

/** What the section shows: the tested rows, and the steps left out for single runs. */
function split(diffs: readonly StepDiffs[]) {
  const tested = diffs
    .map((step) => ({ ...step, pairs: step.pairs.filter((pair) => !pair.singleRuns) }))
    .filter((step) => step.pairs.length > 0);
  const single = diffs.filter((step) => step.pairs.every((pair) => pair.singleRuns));
  const names = single.map((step) =>
    step.step ? `${step.scenario} [${step.step}]` : step.scenario,
  );
  return { tested, names };
}

/** A cell in words: the number, then "n.s." unless significant. */
function cellText(cell: StrategyDiff): string {
  if (cell.status === "single-runs") return "n < 2: no interval";
  if (cell.status === "not-measurable") return cell.text;
  return cell.significant ? cell.text : `${cell.text} n.s.`;
}

/** Two lines, like the verdict's figures: the change, and under it its interval (and "n.s."). */
function cellHtml(cell: StrategyDiff): string {
  const title = ` title="${escapeHtml(cell.sentence)}"`;
  if (cell.status !== "tested")
    return `<span class="ns"${title}>${escapeHtml(cellText(cell))}</span>`;
  const cut = cell.text.indexOf(" [");
  const estimate = cut < 0 ? cell.text : cell.text.slice(0, cut);
  const interval = cut < 0 ? "" : cell.text.slice(cut + 1);
  return cell.significant
    ? `<span${title}><strong>${escapeHtml(estimate)}</strong><span class="ci">${escapeHtml(interval)}</span></span>`
    : `<span class="ns"${title}>${escapeHtml(estimate)}<span class="ci">${escapeHtml(`${interval} n.s.`)}</span></span>`;
}

function singleRunsLine(names: readonly string[]): string {
  return `Single runs, no interval: ${names.join(", ")} (run with --repeat 3 for between-strategy verdicts there).`;
}

/** The section as HTML; "" when no scenario step has two strategies. */
export function renderStrategyDiffsHtml(
  results: BenchResults,
  diffs: readonly StepDiffs[] = buildStrategyDiffs(results),
): string {
  if (diffs.length === 0) return "";
  const { tested, names } = split(diffs);
  const head = [`<section id="${STRATEGY_DIFFS_SECTION_ID}">`, `<h2>${TITLE}</h2>`];
  if (tested.length === 0) {
    return [...head, `<p>${escapeHtml(SINGLE_RUNS_NOTE)}</p>`, "</section>"].join("\n");
  }
  const rows = tested.flatMap((step) =>
    step.pairs.map((pair, i) => ({
      className: i === 0 ? "group-start" : "",
      cells: [
        escapeHtml(step.scenario),
        escapeHtml(step.step),
        escapeHtml(pairLabel(pair.a, pair.b)),
        escapeHtml(pair.runs),
        ...pair.cells.map(cellHtml),
      ],
    })),
  );
  return [
    ...head,
    renderHtmlTable(STRATEGY_DIFFS_HEADERS, rows, 4),
    names.length > 0 ? `<p class="legend">${escapeHtml(singleRunsLine(names))}</p>` : "",
    `<p class="legend">${escapeHtml(STRATEGY_DIFFS_LEGEND)}</p>`,
    "</section>",
  ]
    .filter(Boolean)
    .join("\n");
}

/** The section as Markdown lines; none when no scenario step has two strategies. */
export function renderStrategyDiffsMarkdown(
  results: BenchResults,
  diffs: readonly StepDiffs[] = buildStrategyDiffs(results),
): string[] {
  if (diffs.length === 0) return [];
  const { tested, names } = split(diffs);
  const head = ["", `## ${TITLE}`, ""];
  if (tested.length === 0) return [...head, escapeMarkdownInline(SINGLE_RUNS_NOTE)];
  const rows = tested.flatMap((step) =>
    step.pairs.map((pair) => [
      step.scenario,
      step.step,
      pairLabel(pair.a, pair.b),
      pair.runs,
      ...pair.cells.map((cell) =>
        cell.status === "tested" && cell.significant ? `**${cell.text}**` : cellText(cell),
      ),
    ]),
  );
  return [
    ...head,
    renderMarkdownTable(STRATEGY_DIFFS_HEADERS, rows, 4),
    ...(names.length > 0 ? ["", escapeMarkdownInline(singleRunsLine(names))] : []),
    "",
    escapeMarkdownInline(STRATEGY_DIFFS_LEGEND),
  ];
}
