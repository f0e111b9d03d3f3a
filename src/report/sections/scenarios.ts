/**
 * One section per scenario in report.html and summary.md: what ran (the method line), every
 * invalid reason and warning of its runs, and its charts (HTML: the live charts; Markdown: the
 * key charts as images). HTML and Markdown side by side.
 */
import type { BenchResults } from "../../model/results.ts";
import type { ChartSpec } from "../charts/chart-spec.ts";
import { escapeHtml, renderHtmlTable, renderNotesHtml, strategyCellHtml } from "../markup/html.ts";
import {
  escapeMarkdownInline,
  type MarkdownImage,
  renderMarkdownImage,
  renderMarkdownNotes,
} from "../markup/markdown.ts";
import { NOT_AVAILABLE } from "../model/format.ts";
import { collectNotes, describeScenarioMethod } from "../model/method-line.ts";
import { METRICS, VERDICT_METRICS } from "../model/metrics.ts";
import type { ScenarioGroup } from "../model/run-groups.ts";

const INVALID_TITLE = "Invalid runs: do not trust these numbers.";

/** Anchor of a scenario's section in report.html (the verdict table and the nav link to it). */
export function sectionId(scenario: string): string {
  return `scenario-${scenario.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

const RUNS_HEADERS = [
  "step",
  "strategy",
  "run",
  ...VERDICT_METRICS.map((id) => METRICS[id].label),
  "lost / dup",
];

/**
 * With repetitions: every run of the scenario on its own row (collapsed), so a figure's mean and
 * interval can be traced to the runs behind it, invalid ones included (tinted). "" for single runs,
 * whose numbers the verdict table already shows one by one.
 */
export function renderRunsDetailsHtml(group: ScenarioGroup): string {
  if (group.groups.every((g) => g.runs.length === 1)) return "";
  const rows = group.groups.flatMap((g) =>
    g.runs.map((run, i) => ({
      className: [run.valid ? "" : "invalid", i === 0 ? "group-start" : ""]
        .filter(Boolean)
        .join(" "),
      cells: [
        escapeHtml(run.step?.label ?? ""),
        strategyCellHtml(run.strategy, run.strategy, run.valid),
        escapeHtml(`${run.repetition} of ${g.runs.length}`),
        ...VERDICT_METRICS.map((id) => escapeHtml(METRICS[id].format(run))),
        escapeHtml(`${run.delivery.lost} / ${run.delivery.duplicates}`),
      ],
    })),
  );
  return [
    `<details class="runs"><summary>Every run (${group.runs.length}): the repetitions behind each mean</summary>`,
    renderHtmlTable(RUNS_HEADERS, rows, 3),
    "</details>",
  ].join("\n");
}

/**
 * One scenario's section as HTML. `renderChart` is report.html's own chart renderer (it numbers
 * the embedded configurations).
 */
export function renderScenarioSectionHtml(
  results: BenchResults,
  group: ScenarioGroup,
  charts: readonly ChartSpec[],
  renderChart: (chart: ChartSpec) => string,
): string {
  const { invalid, warnings } = collectNotes(group);
  const body = charts.map((chart) => renderChart(chart)).join("\n");
  return [
    `<section class="scenario" id="${escapeHtml(sectionId(group.scenario))}">`,
    `<h2>${escapeHtml(group.scenario)}</h2>`,
    `<p class="method-line"><strong>Method:</strong> ${escapeHtml(describeScenarioMethod(results, group))}</p>`,
    [
      renderNotesHtml("invalid", INVALID_TITLE, invalid),
      renderNotesHtml("warnings", "Warnings", warnings),
    ].join("\n"),
    renderRunsDetailsHtml(group),
    charts.length > 0
      ? `<div class="charts">${body}</div>`
      : `<p>No chart: nothing in this scenario was measurable (${NOT_AVAILABLE}).</p>`,
    "</section>",
  ].join("\n");
}

/** One scenario's section as Markdown lines; `images` are the ones that belong under it. */
export function renderScenarioMarkdown(
  results: BenchResults,
  group: ScenarioGroup,
  images: readonly MarkdownImage[],
): string[] {
  const { invalid, warnings } = collectNotes(group);
  return [
    "",
    `## ${escapeMarkdownInline(group.scenario)}`,
    "",
    `Method: ${escapeMarkdownInline(describeScenarioMethod(results, group))}.`,
    ...renderMarkdownNotes(`**${INVALID_TITLE}**`, invalid),
    ...renderMarkdownNotes("Warnings:", warnings),
    ...images.flatMap((image) => ["", renderMarkdownImage(image)]),
  ];
}
