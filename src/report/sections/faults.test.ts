/**
 * The Faults section from the fault fixture, HTML and Markdown: every kind, n/a with its reason,
 * the not-recovered marker, failures highlighted, text escaped, fault runs kept out of the
 * sunny-day verdict, and no trace of it without fault runs. (The tables' numbers:
 * model/fault-table.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { FAULT_KINDS } from "../../model/fault-kinds.ts";
import type { BenchResults } from "../../model/results.ts";
import { buildReportCharts } from "../charts/scenario-charts.ts";
import { NA_REASONS } from "../model/fault-cells.ts";
import { groupFaultsByKind } from "../model/fault-runs.ts";
import { buildFaultTables, type FaultTable } from "../model/fault-table.ts";
import { faultRuns } from "../model/run-groups.ts";
import { buildVerdictRows } from "../model/verdict.ts";
import { renderHtml } from "../render/report-html.ts";
import { renderSummaryMarkdown } from "../render/summary-markdown.ts";
import { createFixtureResults } from "../test-support/fixture.ts";
import { createFixtureWithFaults } from "../test-support/fixture-faults.ts";
import { renderFaultSectionHtml, renderFaultSectionMarkdown } from "./faults.ts";

const CHART_JS = "/* chart.js */";

function tables(results: BenchResults): Map<string, FaultTable> {
  return new Map(buildFaultTables(groupFaultsByKind(results)).map((t) => [t.kind, t]));
}

/** The HTML of the Faults section only. */
function faultsHtml(results: BenchResults): string {
  return renderFaultSectionHtml(results, (chart) => `<figure>${chart.id}</figure>`);
}

describe("Faults section, HTML", () => {
  const results = createFixtureWithFaults();
  const html = faultsHtml(results);

  it("heading, every kind with its explainer and action, the chart and the legend", () => {
    expect(html).toContain('<section class="scenario" id="faults">');
    expect(html).toContain("<h2>Faults</h2>");
    for (const kind of FAULT_KINDS) expect(html).toContain(`<h3 id="fault-${kind}">${kind}</h3>`);
    expect(html).toContain("kill -9 the server, restart it on the same port 40123");
    expect(html).toContain("<figure>faults-time-to-recover</figure>");
    expect(html).toContain("Not recovered before the drain ended: redis-blip sse (watched 20 s)");
    expect(html).toContain("Lost and duplicates count the whole run");
  });

  it("n/a carries its reason; the not-recovered row is marked and says why", () => {
    expect(html).toContain(`<span class="na" title="${NA_REASONS.notRecovered}">n/a</span>`);
    expect(html).toContain('<span class="badge">not recovered</span>');
    const row = html.split("\n").find((line) => line.includes("not recovered</span>"));
    expect(row).toMatch(/^<tr class="invalid">/);
    expect(row).toContain("the server&#39;s subscriber did not resubscribe");
    expect(row).toMatch(/<span class="flag" title="[^"]+">⚠ 37<\/span>/);
    expect(html.match(/class="badge">not recovered/g)).toHaveLength(1);
  });

  it("escapes everything that comes from the results file", () => {
    const hostile = createFixtureWithFaults();
    for (const run of faultRuns(hostile)) {
      run.fault.action = '<img src=x onerror="alert(1)">';
      run.fault.cutReasons = run.fault.serverCuts === null ? [] : ["<b>cut</b>"];
      run.warnings = ["<script>alert(2)</script>"];
    }
    const out = faultsHtml(hostile);
    expect(out).not.toContain("<img");
    expect(out).not.toContain("<b>cut");
    expect(out).not.toContain("<script>");
    expect(out).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(out).toContain("&lt;b&gt;cut&lt;/b&gt;");
  });

  it("report.html: Faults after the scenarios, fault runs kept out of the verdict and the scenario charts", () => {
    const page = renderHtml(results, CHART_JS);
    expect(page).toContain('<li><a href="#faults">faults</a></li>');
    expect(page).toContain('37 runs · 18 fault runs (<span class="flag">1 not recovered</span>)');
    expect(page.indexOf('id="scenario-interval-sweep"')).toBeLessThan(page.indexOf('id="faults"'));
    expect(page).toContain('id="chart-faults-time-to-recover"');
    expect(buildVerdictRows(results)).toHaveLength(37);
    expect(
      buildVerdictRows(results).every((row) => row.group.runs.every((run) => run.fault === null)),
    ).toBe(true);
    expect(buildReportCharts(results).map((s) => s.group.scenario)).not.toContain("redis-blip");
    for (const kind of FAULT_KINDS) expect(page).not.toContain(`id="scenario-${kind}"`);
  });

  it("a results file of fault runs only says so in the verdict", () => {
    const only = createFixtureWithFaults();
    only.runs = faultRuns(only);
    const page = renderHtml(only, CHART_JS);
    expect(page).toContain("No sunny-day run in this results file");
    expect(page).toContain("<h2>Faults</h2>");
  });

  it("handles an SSE-only slow-consumer", () => {
    const sseOnly = createFixtureWithFaults();
    sseOnly.runs = sseOnly.runs.filter(
      (r) => r.fault?.kind !== "slow-consumer" || r.strategy === "sse",
    );
    const table = tables(sseOnly).get("slow-consumer");
    expect(table?.rows.map((r) => r.strategy)).toEqual(["sse"]);
    expect(faultsHtml(sseOnly)).toContain('<h3 id="fault-slow-consumer">');
  });

  it("without fault runs there is no trace of the section", () => {
    const plain = createFixtureResults();
    expect(faultsHtml(plain)).toBe("");
    const page = renderHtml(plain, CHART_JS);
    expect(page).not.toContain('id="faults"');
    expect(page).not.toContain("Faults");
    expect(page).not.toContain("fault runs");
  });
});

describe("Faults section, Markdown", () => {
  const results = createFixtureWithFaults();
  const image = { title: "Faults: time to recover", path: "charts/faults-time-to-recover.png" };
  const md = renderSummaryMarkdown(results, [image]);

  it("a compact table per kind, the not-recovered marker, n/a reasons, the chart image", () => {
    expect(md).toContain("## Faults");
    for (const kind of FAULT_KINDS) expect(md).toContain(`### ${kind}`);
    expect(md).toContain("![Faults: time to recover](charts/faults-time-to-recover.png)");
    expect(md).not.toContain("## More charts");
    expect(md).toContain("37 runs + 18 fault runs (**1 not recovered**)");
    const row = md.split("\n").find((line) => line.startsWith("| sse | ⚠ NOT RECOVERED |"));
    expect(row).toContain("| 2.3 s / n/a | ⚠ 37 / 0 |");
    expect(row).toContain("did not resubscribe");
    expect(md).toContain(`- n/a in recovered after: ${NA_REASONS.notRecovered} (sse)`);
    expect(md).toContain(
      "| sse | yes | 20 → 20 | 10 s / 10.9 s | 0 / 0 | 0 | +20 / +40.0 KiB | 0 / 0 | 20 (send buffer above 48 KiB for 2000 ms (stalled reader)) | 60.0 KiB / 64.0 KiB | 1.50 ms → 1.70 ms |",
    );
    // prose column left-aligned, numbers right
    expect(md).toContain("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    // fault runs are not verdict rows
    const verdict = md.slice(
      md.indexOf("## Verdict"),
      md.indexOf("\n## ", md.indexOf("## Verdict")),
    );
    expect(verdict).not.toMatch(/\| (server-restart|redis-blip|slow-consumer) \|/);
  });

  it("escapes text from the results file", () => {
    const hostile = createFixtureWithFaults();
    for (const run of faultRuns(hostile)) run.fault.action = "*bold* <b>x</b> | pipe";
    const out = renderFaultSectionMarkdown(hostile, []).join("\n");
    expect(out).toContain("\\*bold\\* \\<b\\>x\\</b\\> \\| pipe");
    expect(out).not.toContain("<b>");
  });

  it("nothing without fault runs", () => {
    expect(renderFaultSectionMarkdown(createFixtureResults(), [image])).toEqual([]);
    expect(renderSummaryMarkdown(createFixtureResults(), [])).not.toMatch(/fault/i);
  });
});
