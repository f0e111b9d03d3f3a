/**
 * The "Radio energy" section of report.html and summary.md: what the clients' own traffic would
 * cost a phone's cellular radio (an estimate, src/energy), per scenario step and strategy, the
 * ranking it implies with one sentence saying why, the per-scenario bar chart and one sampled
 * client's radio timeline per strategy. Renders nothing when no run has an estimate.
 */
import type { BenchResults } from "../../model/results.ts";
import type { ChartSpec } from "../charts/chart-spec.ts";
import { buildEnergyCharts, ENERGY_CHART_TITLE_PREFIX } from "../charts/energy.ts";
import { escapeHtml, renderHtmlTable, strategyCellHtml } from "../markup/html.ts";
import {
  escapeMarkdownInline,
  type MarkdownImage,
  renderMarkdownImage,
  renderMarkdownTable,
} from "../markup/markdown.ts";
import {
  buildEnergyGroups,
  ENERGY_HEADERS,
  type EnergyGroup,
  energyCells,
  energyMethodLine,
  shortWindowNote,
} from "../model/energy.ts";

/** Anchor of the section in report.html. */
export const ENERGY_SECTION_ID = "radio-energy";

const TITLE = "Radio energy (estimated)";

const LEGEND =
  "Radio awake: share of the window out of idle (promotion, transfer and the tail after each packet). Wake-ups: idle -> connected promotions. J per delivered: all clients' radio energy over the window / notifications delivered in it (idle paging included). Per-hour figures extrapolate the window.";

function heading(group: EnergyGroup): string {
  return group.step === null ? group.scenario : `${group.scenario} [${group.step}]`;
}

/** Charts of one scenario: its bar chart and the timelines of its first step. */
function chartsOf(charts: readonly ChartSpec[], scenario: string): ChartSpec[] {
  return charts.filter(
    (c) =>
      c.title.startsWith(`${ENERGY_CHART_TITLE_PREFIX}${scenario}:`) ||
      c.title.startsWith(`${ENERGY_CHART_TITLE_PREFIX}${scenario} [`),
  );
}

/** The section as HTML; "" when no run has an estimate. */
export function renderEnergySectionHtml(
  results: BenchResults,
  renderChart: (chart: ChartSpec) => string,
): string {
  const groups = buildEnergyGroups(results);
  const first = groups[0];
  if (first === undefined) return "";
  const charts = buildEnergyCharts(groups);
  const parts = [
    `<section class="scenario" id="${ENERGY_SECTION_ID}">`,
    `<h2>${TITLE}</h2>`,
    `<p class="method-line"><strong>Method:</strong> ${escapeHtml(energyMethodLine(first))}</p>`,
  ];
  const shown = new Set<string>();
  for (const group of groups) {
    parts.push(`<h3>${escapeHtml(heading(group))}</h3>`);
    if (group.shortWindow) {
      parts.push(
        `<div class="notes warnings"><strong>Short window.</strong> ${escapeHtml(shortWindowNote(group))}</div>`,
      );
    }
    const rows = group.rows.map((row) => ({
      cells: energyCells(row).map((cell, i) =>
        i === 0 ? strategyCellHtml(row.strategy, cell, !row.fromInvalidRuns) : escapeHtml(cell),
      ),
    }));
    parts.push(renderHtmlTable(ENERGY_HEADERS, rows, 1), `<p>${escapeHtml(group.ranking)}</p>`);
    if (!shown.has(group.scenario)) {
      shown.add(group.scenario);
      const own = chartsOf(charts, group.scenario);
      if (own.length > 0)
        parts.push(`<div class="charts">${own.map(renderChart).join("\n")}</div>`);
    }
  }
  parts.push(`<p class="legend">${escapeHtml(LEGEND)}</p>`, "</section>");
  return parts.join("\n");
}

/**
 * The section as Markdown lines (empty when no run has an estimate). `images` are the energy
 * charts' PNGs (titles start with ENERGY_CHART_TITLE_PREFIX), relative to summary.md.
 */
export function renderEnergySectionMarkdown(
  results: BenchResults,
  images: readonly MarkdownImage[],
): string[] {
  const groups = buildEnergyGroups(results);
  const first = groups[0];
  if (first === undefined) return [];
  const out = ["", `## ${TITLE}`, "", `Method: ${escapeMarkdownInline(energyMethodLine(first))}`];
  const shown = new Set<string>();
  for (const group of groups) {
    out.push("", `### ${escapeMarkdownInline(heading(group))}`);
    if (group.shortWindow) {
      out.push("", `**Short window.** ${escapeMarkdownInline(shortWindowNote(group))}`);
    }
    out.push(
      "",
      renderMarkdownTable(ENERGY_HEADERS, group.rows.map(energyCells), 1),
      "",
      escapeMarkdownInline(group.ranking),
    );
    if (!shown.has(group.scenario)) {
      shown.add(group.scenario);
      const own = images.filter(
        (image) =>
          image.title.startsWith(`${ENERGY_CHART_TITLE_PREFIX}${group.scenario}:`) ||
          image.title.startsWith(`${ENERGY_CHART_TITLE_PREFIX}${group.scenario} [`),
      );
      for (const image of own) out.push("", renderMarkdownImage(image));
    }
  }
  out.push("", escapeMarkdownInline(LEGEND));
  return out;
}

/** Plain-text lines for the terminal summary of `npm run bench` (empty without estimates). */
export function formatEnergySummary(results: BenchResults): string[] {
  const groups = buildEnergyGroups(results);
  if (groups.length === 0) return [];
  const lines = ["", "radio energy (estimated, per user-hour):"];
  for (const group of groups) {
    const cells = group.rows.map((row) => {
      const [strategy, joules, mah, awake] = energyCells(row);
      return `${strategy} ${joules} J / ${mah} mAh, ${awake} awake`;
    });
    lines.push(
      `  ${heading(group)}: ${cells.join("; ")}${group.shortWindow ? " (short window)" : ""}`,
    );
  }
  return lines;
}
