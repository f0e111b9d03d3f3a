/**
 * The report: pure functions from a results file (BenchResults) to report.html, summary.md, the
 * PNG/SVG charts and the run-vs-run comparison, plus the file I/O around them. Other folders
 * import the report from here only.
 *
 * Layout, on one axis, the stage of the pipeline; each folder imports only from those above it:
 *   model/     results -> report data: run groups (the repetitions of one scenario step x
 *              strategy with their summary) and their figures with 95 % intervals, the metric
 *              list, verdict rows, between-strategy verdicts (strategy-diffs.ts), fault runs,
 *              tables and comparison (statistical verdicts, sample-verdicts.ts), capacity rows,
 *              method lines, number formatting, palette. Plain text and numbers, no markup.
 *   charts/    report data -> Chart.js configurations (plain JSON, one file per chart kind;
 *              error bars through chartjs-chart-error-bars, bands as filled datasets).
 *   markup/    HTML and Markdown building blocks (escaping, tables, note boxes); no wording.
 *   sections/  one file per report section (header, verdict, between strategies, scenarios,
 *              faults, capacity, comparison), each exporting its HTML and Markdown renderers
 *              side by side.
 *   render/    the outputs: the report.html, summary.md and comparison pages, the PNG/SVG
 *              images, and write-report (the only file that touches the disk).
 *   test-support/  fixtures for tests (never imported by production code).
 * Why stage first and section second, rather than one format-neutral document that two
 * renderers walk: the HTML and Markdown of a section differ in more than syntax (Markdown folds
 * fault columns, puts n/a reasons under a table instead of in tooltips, shows key charts only),
 * so a shared document model would need a flag for every difference. What the two formats do
 * share (the numbers and words) is computed once in model/, and a section's two renderers sit
 * in one file, so a change to a section is a change to one file. (report-layout.test.ts checks
 * the folder order.)
 */
export type { ChartSpec } from "./charts/chart-spec.ts";
export { buildReportCharts } from "./charts/scenario-charts.ts";
export { formatBytes, formatCount, formatLatencyUs, formatNumber } from "./model/format.ts";
export { faultRuns, sunnyDayRuns } from "./model/run-groups.ts";
export { renderComparison } from "./render/comparison.ts";
export { DEFAULT_IMAGE_SIZE, type ImageSize, renderPng, renderSvg } from "./render/image.ts";
export { renderHtml } from "./render/report-html.ts";
export { renderSummaryMarkdown, type SummaryImage } from "./render/summary-markdown.ts";
export {
  loadChartJsSource,
  REPORT_FILES,
  type WriteReportOptions,
  writeComparison,
  writeReport,
} from "./render/write-report.ts";
export { renderAnswerText } from "./sections/answer.ts";
export { formatCapacitySummary } from "./sections/capacity.ts";
export { formatEnergySummary } from "./sections/energy.ts";
