/**
 * The I/O around the pure renderers: writes report.html, summary.md and charts/*.png + *.svg into
 * a run directory, and comparisons of two runs. The bench calls writeReport at the end of every run.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { BenchResults } from "../../model/results.ts";
import { buildCapacityCharts } from "../charts/capacity.ts";
import { buildEnergyCharts } from "../charts/energy.ts";
import { buildFaultCharts } from "../charts/fault-recovery.ts";
import { buildReportCharts } from "../charts/scenario-charts.ts";
import { buildEnergyGroups } from "../model/energy.ts";
import { renderComparison } from "./comparison.ts";
import {
  DEFAULT_IMAGE_SIZE,
  ERROR_BARS_PACKAGE,
  type ImageSize,
  renderPng,
  renderSvg,
} from "./image.ts";
import { renderHtml } from "./report-html.ts";
import { renderSummaryMarkdown, type SummaryImage } from "./summary-markdown.ts";

/** File names inside a run directory. */
export const REPORT_FILES = {
  html: "report.html",
  summary: "summary.md",
  chartsDir: "charts",
  comparisonHtml: "comparison.html",
  comparisonMarkdown: "comparison.md",
} as const;

/**
 * The scripts report.html inlines before its own: Chart.js's UMD build (it defines the global
 * `Chart`), then chartjs-chart-error-bars' UMD build, which takes that global and registers its
 * chart types on it (the PNGs register the same package, see render/image.ts).
 */
export async function loadChartJsSource(): Promise<string> {
  const require = createRequire(import.meta.url);
  // "chart.js" resolves to dist/chart.cjs; the UMD bundle sits beside it
  const distDir = dirname(require.resolve("chart.js"));
  // the plugin's "require" export is build/index.cjs; its UMD bundle sits beside it
  const pluginDir = dirname(require.resolve(ERROR_BARS_PACKAGE));
  const [chartJs, errorBars] = await Promise.all([
    readFile(join(distDir, "chart.umd.min.js"), "utf8"),
    readFile(join(pluginDir, "index.umd.min.js"), "utf8"),
  ]);
  // a newline and a semicolon: neither bundle can run into the other
  return `${chartJs}\n;\n${errorBars}`;
}

export interface WriteReportOptions {
  /** Size of the PNG and SVG charts; default 960x540 px. */
  imageSize?: ImageSize;
}

/**
 * Renders every output of a run into `runDir` (created if missing):
 * report.html, summary.md, charts/<scenario>-<chart>.png and .svg (and charts/faults-time-to-recover.*
 * with fault runs). Returns the main paths.
 */
export async function writeReport(
  runDir: string,
  results: BenchResults,
  options: WriteReportOptions = {},
): Promise<{ htmlPath: string; summaryPath: string; chartPaths: string[] }> {
  const size = options.imageSize ?? DEFAULT_IMAGE_SIZE;
  const chartsDir = join(runDir, REPORT_FILES.chartsDir);
  await mkdir(chartsDir, { recursive: true });

  const chartPaths: string[] = [];
  const summaryImages: SummaryImage[] = [];
  for (const charts of [
    ...buildReportCharts(results).map((s) => s.charts),
    buildEnergyCharts(buildEnergyGroups(results)),
    buildFaultCharts(results),
    buildCapacityCharts(results),
  ]) {
    for (const chart of charts) {
      const pngPath = join(chartsDir, `${chart.id}.png`);
      const svgPath = join(chartsDir, `${chart.id}.svg`);
      await writeFile(pngPath, await renderPng(chart.config, size));
      await writeFile(svgPath, await renderSvg(chart.config, size));
      chartPaths.push(pngPath, svgPath);
      if (chart.key)
        summaryImages.push({
          title: chart.title,
          path: `${REPORT_FILES.chartsDir}/${chart.id}.png`,
        });
    }
  }

  const htmlPath = join(runDir, REPORT_FILES.html);
  const summaryPath = join(runDir, REPORT_FILES.summary);
  await writeFile(htmlPath, renderHtml(results, await loadChartJsSource()));
  await writeFile(summaryPath, renderSummaryMarkdown(results, summaryImages));
  return { htmlPath, summaryPath, chartPaths };
}

/**
 * Writes comparison.html and comparison.md of run A (baseline) vs run B into `outDir`.
 * `labels` name the runs in the output (e.g. their directories).
 */
export async function writeComparison(
  a: BenchResults,
  b: BenchResults,
  outDir: string,
  labels: { a: string; b: string },
): Promise<{ htmlPath: string; markdownPath: string }> {
  const { markdown, html } = renderComparison(a, b, labels);
  await mkdir(outDir, { recursive: true });
  const htmlPath = join(outDir, REPORT_FILES.comparisonHtml);
  const markdownPath = join(outDir, REPORT_FILES.comparisonMarkdown);
  await writeFile(htmlPath, html);
  await writeFile(markdownPath, markdown);
  return { htmlPath, markdownPath };
}
