/**
 * comparison.md and comparison.html: run A (baseline) against run B. Which runs, whether they
 * ran on the same machine, how many changes exceed the noise, then the tables of
 * sections/comparison.ts.
 */
import type { BenchResults } from "../../model/results.ts";
import { escapeHtml } from "../markup/html.ts";
import { escapeMarkdownInline } from "../markup/markdown.ts";
import { buildComparison, type ComparisonLabels } from "../model/comparison.ts";
import {
  renderComparisonTableHtml,
  renderComparisonTableMarkdown,
  renderFaultComparisonHtml,
  renderFaultComparisonMarkdown,
} from "../sections/comparison.ts";
import { renderHtmlPage } from "./html-page.ts";

/**
 * Renders the comparison of run A (baseline) and run B as Markdown and as a self-contained HTML page.
 * `labels` name the runs (e.g. their directories); default "A" and "B".
 */
export function renderComparison(
  a: BenchResults,
  b: BenchResults,
  labels: ComparisonLabels = { a: "A", b: "B" },
): { markdown: string; html: string } {
  const { intro, machineNote, verdict, rows, faultRows } = buildComparison(a, b, labels);
  const markdown = [
    "# push-vs-poll comparison",
    "",
    ...intro.map((line) => `- ${escapeMarkdownInline(line)}`),
    "",
    ...(machineNote ? [`**${machineNote}**`, ""] : []),
    `**${verdict}**`,
    "",
    ...renderComparisonTableMarkdown(rows),
    "",
    ...renderFaultComparisonMarkdown(faultRows),
  ].join("\n");
  const body = [
    "<header>",
    "<h1>push-vs-poll comparison</h1>",
    ...intro.map((line) => `<p class="meta">${escapeHtml(line)}</p>`),
    "</header>",
    "<main>",
    machineNote ? `<div class="notes warnings">${escapeHtml(machineNote)}</div>` : "",
    `<p><strong>${escapeHtml(verdict)}</strong></p>`,
    renderComparisonTableHtml(rows),
    renderFaultComparisonHtml(faultRows),
    "</main>",
  ].join("\n");
  return { markdown, html: renderHtmlPage("push-vs-poll comparison", body) };
}
