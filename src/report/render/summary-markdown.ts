/**
 * summary.md: the answer (per workload, what matters for the choice), the verdict table, the between-strategy verdicts, per scenario its method, every invalid reason and warning and
 * its key charts as images, then the fault and capacity sections, ready to paste into a README,
 * an issue or a blog post. The sections render themselves (sections/); this file decides which
 * image goes under which section.
 */
import type { BenchResults } from "../../model/results.ts";
import { isEnergyChartTitle } from "../charts/energy.ts";
import { FAULT_CHART_TITLE } from "../charts/fault-recovery.ts";
import { type MarkdownImage, renderMarkdownImage } from "../markup/markdown.ts";
import { groupByScenario } from "../model/run-groups.ts";
import { buildStrategyDiffs } from "../model/strategy-diffs.ts";
import { renderAnswerSectionMarkdown } from "../sections/answer.ts";
import { renderCapacityMarkdown } from "../sections/capacity.ts";
import { renderDeliveryPathSectionMarkdown } from "../sections/delivery-path.ts";
import { renderEnergySectionMarkdown } from "../sections/energy.ts";
import { renderFaultSectionMarkdown } from "../sections/faults.ts";
import { renderHeaderMarkdown } from "../sections/header.ts";
import { renderScenarioMarkdown } from "../sections/scenarios.ts";
import { renderStrategyDiffsMarkdown } from "../sections/strategy-diffs.ts";
import { renderVerdictSectionMarkdown } from "../sections/verdict.ts";

/** A chart image to embed: its title (alt text) and path relative to summary.md. */
export type SummaryImage = MarkdownImage;

/** Chart titles start with "<scenario>: " (see ChartSpec.title). */
function belongsTo(image: SummaryImage, scenario: string): boolean {
  return image.title.startsWith(`${scenario}: `);
}

/**
 * Renders summary.md. `images` are embedded under their scenario's heading when their title
 * starts with "<scenario>: " (as chart titles do), else at the end; give paths relative to summary.md.
 */
export function renderSummaryMarkdown(
  results: BenchResults,
  images: readonly SummaryImage[],
): string {
  const diffs = buildStrategyDiffs(results);
  const out = [
    ...renderHeaderMarkdown(results),
    ...renderAnswerSectionMarkdown(results),
    ...renderVerdictSectionMarkdown(results, diffs),
    ...renderStrategyDiffsMarkdown(results, diffs),
  ];
  // the fault chart goes to the Faults section, whatever a scenario happens to be called
  const faultImages = images.filter((image) => image.title === FAULT_CHART_TITLE);
  // the energy charts go to the radio energy section, after the scenarios
  const energyImages = images.filter((image) => isEnergyChartTitle(image.title));
  const used = new Set<SummaryImage>([...faultImages, ...energyImages]);
  for (const group of groupByScenario(results)) {
    const own: SummaryImage[] = [];
    for (const image of images) {
      if (used.has(image) || !belongsTo(image, group.scenario)) continue;
      used.add(image);
      own.push(image);
    }
    out.push(...renderScenarioMarkdown(results, group, own));
  }
  out.push(...renderDeliveryPathSectionMarkdown(results));
  out.push(...renderEnergySectionMarkdown(results, energyImages));
  out.push(...renderFaultSectionMarkdown(results, faultImages));
  const capacityImages = images.filter(
    (image) => !used.has(image) && results.capacity.some((c) => belongsTo(image, c.scenario)),
  );
  for (const image of capacityImages) used.add(image);
  out.push(...renderCapacityMarkdown(results, capacityImages));
  const rest = images.filter((image) => !used.has(image));
  if (rest.length > 0) out.push("", "## More charts", "", ...rest.map(renderMarkdownImage));
  out.push("", "Full report with every chart: [report.html](report.html).", "");
  return out.join("\n");
}
