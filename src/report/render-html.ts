/**
 * report.html: one self-contained page (Chart.js inlined, no network) with the verdict table on
 * top, then per scenario its method line, every invalid reason and warning, and its charts, then
 * the fault runs (their own section, never in the verdict) and the capacity runs.
 * Pure: the Chart.js source is passed in (see loadChartJsSource in write-report.ts).
 */
import type { BenchResults } from "../model/results.ts";
import { CAPACITY_SECTION_ID, renderCapacitySectionHtml } from "./capacity-section.ts";
import type { ChartSpec } from "./charts/chart-spec.ts";
import { buildReportCharts } from "./charts/scenario-charts.ts";
import { LOG_TICK_LABEL_SOURCE } from "./charts/tick-format.ts";
import { FAULTS_SECTION_ID, renderFaultSectionHtml } from "./fault-section.ts";
import { escapeHtml, NOT_AVAILABLE } from "./format.ts";
import { jsonForScript, renderHtmlPage, renderHtmlTable } from "./html-page.ts";
import {
  collectNotes,
  describeEnvironment,
  describeScenarioMethod,
  describeTarget,
} from "./method-line.ts";
import { STRATEGY_COLORS } from "./palette.ts";
import { faultRuns, type ScenarioGroup, sunnyDayRuns } from "./run-groups.ts";
import { buildVerdictRows, noVerdictRows, VS_BEST_LEGEND, verdictHeaders } from "./verdict.ts";

/**
 * Creates every chart from its embedded JSON configuration. Runs in the browser; log-axis tick
 * labels use the same function as the PNGs. Sets data-charts-drawn on <html> when done (tests wait for it).
 */
const CHART_INIT_SOURCE = `(function () {
  var logTickLabel = ${LOG_TICK_LABEL_SOURCE};
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

function strategyCell(strategy: keyof typeof STRATEGY_COLORS): string {
  return `<span class="swatch" style="background:${STRATEGY_COLORS[strategy]}"></span>${escapeHtml(strategy)}`;
}

/** The verdict table as HTML; invalid runs are tinted and badged, new steps get a rule. */
export function renderVerdictTableHtml(results: BenchResults): string {
  const rows = buildVerdictRows(results);
  if (rows.length === 0) return `<p>${escapeHtml(noVerdictRows(results))}</p>`;
  let previousGroup = "";
  const htmlRows = rows.map((row) => {
    const group = `${row.scenario}\u0000${row.step}`;
    const classes = [
      row.valid ? "" : "invalid",
      group !== previousGroup ? "group-start" : "",
    ].filter(Boolean);
    previousGroup = group;
    const scenario = `<a href="#${escapeHtml(sectionId(row.scenario))}">${escapeHtml(row.scenario)}</a>`;
    const strategy =
      strategyCell(row.strategy) + (row.valid ? "" : '<span class="badge">invalid</span>');
    return {
      className: classes.join(" "),
      cells: [
        scenario,
        escapeHtml(row.step),
        strategy,
        ...row.cells.map(escapeHtml),
        escapeHtml(row.lostDuplicates),
        escapeHtml(row.vsBest),
      ],
    };
  });
  return renderHtmlTable(verdictHeaders(), htmlRows);
}

function sectionId(scenario: string): string {
  return `scenario-${scenario.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

function renderNotes(group: ScenarioGroup): string {
  const { invalid, warnings } = collectNotes(group);
  const list = (items: string[]) =>
    `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>`;
  return [
    invalid.length > 0
      ? `<div class="notes invalid"><strong>Invalid runs: do not trust these numbers.</strong>${list(invalid)}</div>`
      : "",
    warnings.length > 0
      ? `<div class="notes warnings"><strong>Warnings</strong>${list(warnings)}</div>`
      : "",
  ].join("\n");
}

function renderChart(chart: ChartSpec, index: number): string {
  const configId = `chart-config-${index}`;
  return [
    "<figure>",
    `<div class="chart-box"><canvas id="chart-${escapeHtml(chart.id)}" data-config="${configId}" role="img" aria-label="${escapeHtml(chart.title)}"></canvas></div>`,
    `<script type="application/json" id="${configId}">${jsonForScript(chart.config)}</script>`,
    "</figure>",
  ].join("\n");
}

/**
 * Renders report.html. `chartJsSource` is the text of Chart.js's UMD build (defines `Chart`);
 * it is inlined so the page opens offline from disk.
 */
export function renderHtml(results: BenchResults, chartJsSource: string): string {
  const scenarios = buildReportCharts(results);
  const invalidCount = results.runs.filter((r) => !r.valid).length;
  const target = describeTarget(results);
  const warningCount = results.runs.reduce((n, r) => n + r.warnings.length, 0);
  let chartIndex = 0;
  const sections = scenarios.map(({ group, charts }) => {
    const body = charts.map((c) => renderChart(c, chartIndex++)).join("\n");
    return [
      `<section class="scenario" id="${escapeHtml(sectionId(group.scenario))}">`,
      `<h2>${escapeHtml(group.scenario)}</h2>`,
      `<p class="method-line"><strong>Method:</strong> ${escapeHtml(describeScenarioMethod(results, group))}</p>`,
      renderNotes(group),
      charts.length > 0
        ? `<div class="charts">${body}</div>`
        : `<p>No chart: nothing in this scenario was measurable (${NOT_AVAILABLE}).</p>`,
      "</section>",
    ].join("\n");
  });
  const faultSection = renderFaultSectionHtml(results, (c) => renderChart(c, chartIndex++));
  const capacitySection = renderCapacitySectionHtml(results, (c) => renderChart(c, chartIndex++));
  const nav =
    scenarios
      .map(
        ({ group }) =>
          `<li><a href="#${escapeHtml(sectionId(group.scenario))}">${escapeHtml(group.scenario)}</a></li>`,
      )
      .join("") +
    (faultSection ? `<li><a href="#${FAULTS_SECTION_ID}">faults</a></li>` : "") +
    (capacitySection ? `<li><a href="#${CAPACITY_SECTION_ID}">capacity</a></li>` : "");
  const status = [
    `${sunnyDayRuns(results).length} runs`,
    faultStatus(results),
    results.capacity.length > 0 ? capacityStatus(results) : "",
    invalidCount > 0 ? `<span class="flag">${invalidCount} invalid</span>` : "all valid",
    results.failedRuns.length > 0
      ? `<span class="flag">${results.failedRuns.length} failed</span>`
      : "",
    `${warningCount} warnings`,
    results.method.quick ? "quick run (--quick): indicative only" : "",
  ].filter(Boolean);
  const body = [
    "<header>",
    "<h1>push-vs-poll: short polling vs long polling vs SSE</h1>",
    `<p class="meta">Run of ${escapeHtml(results.createdAt)} · ${status.join(" · ")}</p>`,
    `<p class="meta">${escapeHtml(describeEnvironment(results))}</p>`,
    target
      ? `<div class="notes warnings"><strong>External server.</strong> ${escapeHtml(target)}</div>`
      : "",
    `<nav><ul><li><a href="#verdict">verdict</a></li>${nav}</ul></nav>`,
    "</header>",
    "<main>",
    '<section id="verdict">',
    "<h2>Verdict</h2>",
    renderFailedRuns(results),
    renderVerdictTableHtml(results),
    `<p class="legend">${escapeHtml(VS_BEST_LEGEND)} Latency is publish-to-receive from the intended send time; "${NOT_AVAILABLE}" means not measurable in that run (for example nothing was delivered), never zero. Lost / dup counts the whole run.</p>`,
    "</section>",
    ...sections,
    ...(faultSection ? [faultSection] : []),
    ...(capacitySection ? [capacitySection] : []),
    "</main>",
    `<footer><p>Generated by push-vs-poll ${escapeHtml(results.tool.version)} from results.json (schema version ${results.schemaVersion}). Command: <code>${escapeHtml([results.method.source === "k6" ? "npm run report -- --k6" : "npm run bench --", ...results.method.argv].join(" "))}</code></p></footer>`,
    '<noscript><p style="text-align:center">Charts need JavaScript; the tables above are complete without it.</p></noscript>',
  ].join("\n");
  return renderHtmlPage(`push-vs-poll report ${results.createdAt}`, body, [
    chartJsSource,
    CHART_INIT_SOURCE,
  ]);
}

/** Runs that could not finish, in plain sight above the verdict (empty when none failed). */
function renderFailedRuns(results: BenchResults): string {
  if (results.failedRuns.length === 0) return "";
  const items = results.failedRuns
    .map(
      (f) =>
        `<li>${escapeHtml(`${f.scenario}${f.step ? ` [${f.step.label}]` : ""} ${f.strategy}: ${f.error}`)}</li>`,
    )
    .join("");
  return `<div class="notes invalid"><strong>Failed runs: these have no numbers.</strong><ul>${items}</ul></div>`;
}

/** "18 fault runs" (+ how many did not recover) for the header line; "" without fault runs. */
function faultStatus(results: BenchResults): string {
  const runs = faultRuns(results);
  if (runs.length === 0) return "";
  const failed = runs.filter((r) => !r.fault.recovered).length;
  return `${runs.length} fault runs${failed > 0 ? ` (<span class="flag">${failed} not recovered</span>)` : ""}`;
}

/** "2 capacity runs" (+ how many invalid) for the header line. */
function capacityStatus(results: BenchResults): string {
  const invalid = results.capacity.filter((c) => !c.valid).length;
  return `${results.capacity.length} capacity runs${invalid > 0 ? ` (<span class="flag">${invalid} invalid</span>)` : ""}`;
}
