/**
 * report.html: one self-contained page (Chart.js and its error-bars plugin inlined, no network):
 * the header, the answer (model/answer.ts), the verdict, the between-strategy verdicts, one section per scenario, then the fault runs (their own section, never in the verdict)
 * and the capacity runs. The sections render themselves (sections/); this file numbers the
 * embedded chart configurations and puts the page together.
 * Pure: the Chart.js source is passed in (see loadChartJsSource in write-report.ts).
 */
import type { BenchResults } from "../../model/results.ts";
import type { ChartSpec } from "../charts/chart-spec.ts";
import { LEGEND_FILTER_SOURCE } from "../charts/legend-filter.ts";
import { buildReportCharts } from "../charts/scenario-charts.ts";
import { LOG_TICK_LABEL_SOURCE } from "../charts/tick-format.ts";
import { escapeHtml, jsonForScript } from "../markup/html.ts";
import { buildStrategyDiffs } from "../model/strategy-diffs.ts";
import { ANSWER_SECTION_ID, renderAnswerSectionHtml } from "../sections/answer.ts";
import { CAPACITY_SECTION_ID, renderCapacitySectionHtml } from "../sections/capacity.ts";
import {
  DELIVERY_PATH_SECTION_ID,
  renderDeliveryPathSectionHtml,
} from "../sections/delivery-path.ts";
import { ENERGY_SECTION_ID, renderEnergySectionHtml } from "../sections/energy.ts";
import { FAULTS_SECTION_ID, renderFaultSectionHtml } from "../sections/faults.ts";
import { type NavItem, renderFooterHtml, renderHeaderHtml } from "../sections/header.ts";
import { renderScenarioSectionHtml, sectionId } from "../sections/scenarios.ts";
import { renderStrategyDiffsHtml, STRATEGY_DIFFS_SECTION_ID } from "../sections/strategy-diffs.ts";
import { renderVerdictSectionHtml } from "../sections/verdict.ts";
import { renderHtmlPage } from "./html-page.ts";

/**
 * Creates every chart from its embedded JSON configuration. Runs in the browser; log-axis tick
 * labels use the same function as the PNGs. Sets data-charts-drawn on <html> when done (tests wait for it).
 */
const CHART_INIT_SOURCE = `(function () {
  var logTickLabel = ${LOG_TICK_LABEL_SOURCE};
  var legendItemShown = ${LEGEND_FILTER_SOURCE};
  var charts = [];
  if (typeof Chart === "undefined") {
    document.documentElement.setAttribute("data-charts-drawn", "error");
    return;
  }
  document.querySelectorAll("canvas[data-config]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-config"));
    var config = JSON.parse(source.textContent);
    config.options = config.options || {};
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.options.animation = false;
    var legend = config.options.plugins && config.options.plugins.legend;
    if (legend) legend.labels = Object.assign({}, legend.labels, { filter: legendItemShown });
    var scales = config.options.scales || {};
    Object.keys(scales).forEach(function (key) {
      var scale = scales[key];
      if (scale && scale.type === "logarithmic") {
        scale.ticks = Object.assign({}, scale.ticks, { callback: logTickLabel, maxRotation: 0, autoSkip: false });
      }
    });
    charts.push(new Chart(canvas, config));
  });
  // canvases keep their screen size unless told about the print layout
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("afterprint", function () { charts.forEach(function (c) { c.resize(); }); });
  document.documentElement.setAttribute("data-charts-drawn", String(charts.length));
})();`;

/** One chart: a canvas and, beside it, its configuration as JSON (CHART_INIT_SOURCE draws it). */
function renderChartFigure(chart: ChartSpec, index: number): string {
  const configId = `chart-config-${index}`;
  return [
    "<figure>",
    `<div class="chart-box"><canvas id="chart-${escapeHtml(chart.id)}" data-config="${configId}" role="img" aria-label="${escapeHtml(chart.title)}"></canvas></div>`,
    `<script type="application/json" id="${configId}">${jsonForScript(chart.config)}</script>`,
    "</figure>",
  ].join("\n");
}

const NOSCRIPT =
  '<noscript><p style="text-align:center">Charts need JavaScript; the tables above are complete without it.</p></noscript>';

/**
 * Renders report.html. `chartJsSource` is the text of Chart.js's UMD build (defines `Chart`);
 * it is inlined so the page opens offline from disk.
 */
export function renderHtml(results: BenchResults, chartJsSource: string): string {
  // charts are numbered in page order: scenarios, then faults, then capacity
  let chartIndex = 0;
  const renderChart = (chart: ChartSpec) => renderChartFigure(chart, chartIndex++);
  const scenarios = buildReportCharts(results);
  const scenarioSections = scenarios.map(({ group, charts }) =>
    renderScenarioSectionHtml(results, group, charts, renderChart),
  );
  const energySection = renderEnergySectionHtml(results, renderChart);
  const deliveryPathSection = renderDeliveryPathSectionHtml(results);
  const faultSection = renderFaultSectionHtml(results, renderChart);
  const capacitySection = renderCapacitySectionHtml(results, renderChart);
  // computed once: the "Between strategies" section and the verdict's "vs best" column agree
  const diffs = buildStrategyDiffs(results);
  const diffSection = renderStrategyDiffsHtml(results, diffs);
  const answerSection = renderAnswerSectionHtml(results);
  const nav: NavItem[] = [
    ...(answerSection ? [{ id: ANSWER_SECTION_ID, label: "the answer" }] : []),
    ...(diffSection ? [{ id: STRATEGY_DIFFS_SECTION_ID, label: "between strategies" }] : []),
    ...scenarios.map(({ group }) => ({ id: sectionId(group.scenario), label: group.scenario })),
    ...(deliveryPathSection ? [{ id: DELIVERY_PATH_SECTION_ID, label: "delivery path" }] : []),
    ...(energySection ? [{ id: ENERGY_SECTION_ID, label: "radio energy" }] : []),
    ...(faultSection ? [{ id: FAULTS_SECTION_ID, label: "faults" }] : []),
    ...(capacitySection ? [{ id: CAPACITY_SECTION_ID, label: "capacity" }] : []),
  ];
  const body = [
    renderHeaderHtml(results, nav),
    "<main>",
    ...(answerSection ? [answerSection] : []),
    renderVerdictSectionHtml(results, diffs),
    ...(diffSection ? [diffSection] : []),
    ...scenarioSections,
    ...(deliveryPathSection ? [deliveryPathSection] : []),
    ...(energySection ? [energySection] : []),
    ...(faultSection ? [faultSection] : []),
    ...(capacitySection ? [capacitySection] : []),
    "</main>",
    renderFooterHtml(results),
    NOSCRIPT,
  ].join("\n");
  return renderHtmlPage(`push-vs-poll report ${results.createdAt}`, body, [
    chartJsSource,
    CHART_INIT_SOURCE,
  ]);
}
