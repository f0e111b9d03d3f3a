/**
 * summary.md: the verdict table, the method, every invalid reason and warning, and the key
 * charts as images, then the fault and capacity sections, ready to paste into a README, an issue
 * or a blog post.
 */
import type { BenchResults } from "../model/results.ts";
import { renderCapacityMarkdown } from "./capacity-section.ts";
import { FAULT_CHART_TITLE } from "./charts/fault-recovery.ts";
import { renderFaultSectionMarkdown } from "./fault-section.ts";
import { NOT_AVAILABLE } from "./format.ts";
import { escapeMarkdownInline, renderMarkdownTable } from "./markdown-table.ts";
import {
  collectNotes,
  describeEnvironment,
  describeScenarioMethod,
  describeTarget,
} from "./method-line.ts";
import { faultRuns, groupByScenario, sunnyDayRuns } from "./run-groups.ts";
import { buildVerdictRows, noVerdictRows, VS_BEST_LEGEND, verdictHeaders } from "./verdict.ts";

/** A chart image to embed: its title (alt text) and path relative to summary.md. */
export interface SummaryImage {
  title: string;
  path: string;
}

export { renderMarkdownTable };

/** One row per scenario x strategy (x step), same columns as the HTML verdict table. */
export function renderVerdictTableMarkdown(results: BenchResults): string {
  const verdictRows = buildVerdictRows(results);
  if (verdictRows.length === 0) return escapeInline(noVerdictRows(results));
  const rows = verdictRows.map((row) => [
    row.scenario,
    row.step,
    row.valid ? row.strategy : `${row.strategy} (INVALID)`,
    ...row.cells,
    row.lostDuplicates,
    row.vsBest,
  ]);
  return renderMarkdownTable(verdictHeaders(), rows);
}

const escapeInline = escapeMarkdownInline;

/**
 * Renders summary.md. `images` are embedded under their scenario's heading when their title
 * starts with "<scenario>: " (as chart titles do), else at the end; give paths relative to summary.md.
 */
export function renderSummaryMarkdown(
  results: BenchResults,
  images: readonly SummaryImage[],
): string {
  const invalid = results.runs.filter((r) => !r.valid).length;
  const target = describeTarget(results);
  const out: string[] = [
    "# push-vs-poll: short polling vs long polling vs SSE",
    "",
    `Run of ${results.createdAt}: ${sunnyDayRuns(results).length} runs${faultNote(results)}, ${invalid > 0 ? `**${invalid} invalid**` : "all valid"}${capacityNote(results)}${results.method.quick ? ", quick run (indicative only)" : ""}.`,
    "",
    `${escapeInline(describeEnvironment(results))}.`,
    "",
    ...(target ? [`**External server:** ${escapeInline(target)}`, ""] : []),
    "## Verdict",
    "",
    ...results.failedRuns.flatMap((f) => [
      `- **Failed:** ${escapeInline(`${f.scenario}${f.step ? ` [${f.step.label}]` : ""} ${f.strategy}: ${f.error}`)}`,
      "",
    ]),
    renderVerdictTableMarkdown(results),
    "",
    `${escapeInline(VS_BEST_LEGEND)} "${NOT_AVAILABLE}" means not measurable in that run, never zero.`,
  ];
  // the fault chart goes to the Faults section, whatever a scenario happens to be called
  const faultImages = images.filter((image) => image.title === FAULT_CHART_TITLE);
  const used = new Set<SummaryImage>(faultImages);
  for (const group of groupByScenario(results)) {
    out.push("", `## ${escapeInline(group.scenario)}`, "");
    out.push(`Method: ${escapeInline(describeScenarioMethod(results, group))}.`);
    const { invalid: reasons, warnings } = collectNotes(group);
    if (reasons.length > 0) {
      out.push(
        "",
        "**Invalid runs: do not trust these numbers.**",
        "",
        ...reasons.map((r) => `- ${escapeInline(r)}`),
      );
    }
    if (warnings.length > 0)
      out.push("", "Warnings:", "", ...warnings.map((w) => `- ${escapeInline(w)}`));
    for (const image of images) {
      if (used.has(image) || !belongsTo(image, group.scenario)) continue;
      used.add(image);
      out.push("", `![${escapeInline(image.title)}](${encodeURI(image.path)})`);
    }
  }
  out.push(...renderFaultSectionMarkdown(results, faultImages));
  const capacityImages = images.filter(
    (image) => !used.has(image) && results.capacity.some((c) => belongsTo(image, c.scenario)),
  );
  for (const image of capacityImages) used.add(image);
  out.push(...renderCapacityMarkdown(results, capacityImages, renderMarkdownTable, escapeInline));
  const rest = images.filter((image) => !used.has(image));
  if (rest.length > 0) {
    out.push(
      "",
      "## More charts",
      "",
      ...rest.map((i) => `![${escapeInline(i.title)}](${encodeURI(i.path)})`),
    );
  }
  out.push("", "Full report with every chart: [report.html](report.html).", "");
  return out.join("\n");
}

/** Chart titles start with "<scenario>: " (see ChartSpec.title). */
function belongsTo(image: SummaryImage, scenario: string): boolean {
  return image.title.startsWith(`${scenario}: `);
}

/** " + 18 fault runs" (+ how many did not recover); empty without fault runs. */
function faultNote(results: BenchResults): string {
  const runs = faultRuns(results);
  if (runs.length === 0) return "";
  const failed = runs.filter((r) => !r.fault.recovered).length;
  return ` + ${runs.length} fault runs${failed > 0 ? ` (**${failed} not recovered**)` : ""}`;
}

/** ", 2 capacity runs" (+ how many invalid); empty without capacity runs. */
function capacityNote(results: BenchResults): string {
  if (results.capacity.length === 0) return "";
  const invalid = results.capacity.filter((c) => !c.valid).length;
  return `, ${results.capacity.length} capacity runs${invalid > 0 ? ` (**${invalid} invalid**)` : ""}`;
}
