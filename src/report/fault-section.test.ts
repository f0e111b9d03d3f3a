/**
 * The Faults section from the fault fixture: the fixture's own consistency, the HTML and Markdown
 * tables (every kind, n/a with its reason, the not-recovered marker, failures highlighted, text
 * escaped), fault runs kept out of the sunny-day verdict, and no trace of it without fault runs.
 */
import { describe, expect, it } from "vitest";
import { FAULT_KINDS } from "../model/fault-kinds.ts";
import type { BenchResults } from "../model/results.ts";
import { validateResults } from "../results/validate-results.ts";
import { buildReportCharts } from "./charts/scenario-charts.ts";
import { groupFaultsByKind, historyCoveredGap } from "./fault-runs.ts";
import { renderFaultSectionHtml, renderFaultSectionMarkdown } from "./fault-section.ts";
import { buildFaultTables, type FaultTable, NA_REASONS } from "./fault-table.ts";
import { renderHtml } from "./render-html.ts";
import { renderSummaryMarkdown } from "./render-markdown.ts";
import { faultRuns, sunnyDayRuns } from "./run-groups.ts";
import { createFixtureResults } from "./test-support/fixture.ts";
import { createFixtureWithFaults } from "./test-support/fixture-faults.ts";
import { buildVerdictRows } from "./verdict.ts";

const CHART_JS = "/* chart.js */";

function tables(results: BenchResults): Map<string, FaultTable> {
  return new Map(buildFaultTables(groupFaultsByKind(results)).map((t) => [t.kind, t]));
}

/** The text of one cell: table of `kind`, row of `strategy`, column with header `header`. */
function cell(results: BenchResults, kind: string, strategy: string, header: string) {
  const table = tables(results).get(kind);
  const column = table?.columns.findIndex((c) => c.header === header) ?? -1;
  const row = table?.rows.find((r) => r.strategy === strategy);
  if (table === undefined || row === undefined || column < 0)
    throw new Error(`no cell ${kind} / ${strategy} / ${header}`);
  return row.cells[column];
}

/** The HTML of the Faults section only. */
function faultsHtml(results: BenchResults): string {
  return renderFaultSectionHtml(results, (chart) => `<figure>${chart.id}</figure>`);
}

describe("fault fixture", () => {
  const results = createFixtureWithFaults();
  const runs = faultRuns(results);

  it("six kinds x three strategies, valid results, sunny-day runs untouched", () => {
    expect(runs).toHaveLength(18);
    expect(new Set(runs.map((r) => r.fault.kind))).toEqual(new Set(FAULT_KINDS));
    for (const run of runs) expect(run.scenario).toBe(run.fault.kind);
    expect(() => validateResults(JSON.parse(JSON.stringify(results)))).not.toThrow();
    expect(sunnyDayRuns(results)).toEqual(createFixtureResults().runs);
  });

  it("is internally consistent", () => {
    for (const { fault, delivery, http, params, strategy } of runs) {
      expect(fault.recovered).toBe(fault.timeToRecoverMs !== null);
      if (fault.timeToBackMs !== null && fault.timeToRecoverMs !== null)
        expect(fault.timeToBackMs).toBeLessThanOrEqual(fault.timeToRecoverMs);
      expect(fault.reconnectedClients).toBeLessThanOrEqual(fault.disruptedClients);
      expect(fault.disruptedClients).toBeLessThanOrEqual(fault.targetedClients);
      expect(fault.targetedClients).toBeLessThanOrEqual(params.clients);
      expect([fault.lost, fault.duplicates, fault.skippedByReset]).toEqual([
        delivery.lost,
        delivery.duplicates,
        delivery.skippedByReset,
      ]);
      expect(delivery.delivered + delivery.lost + delivery.skippedByReset).toBe(delivery.expected);
      expect(http.resets).toBe(fault.resets);
      if (fault.maxBufferedBytes !== null && fault.bufferBoundBytes !== null)
        expect(fault.maxBufferedBytes).toBeLessThanOrEqual(fault.bufferBoundBytes);
      expect((fault.serverCuts ?? 0) > 0).toBe(
        fault.kind === "slow-consumer" && strategy === "sse",
      );
      if (fault.kind === "history-trimmed") {
        expect(fault.resets).toBe(fault.targetedClients);
        expect(fault.skippedByReset).toBeGreaterThan(0);
        expect(fault.lost).toBe(0);
      }
      expect(fault.publishFailures > 0).toBe(fault.kind === "redis-blip");
    }
    const notRecovered = runs.filter((r) => !r.fault.recovered);
    expect(notRecovered.map((r) => `${r.fault.kind} ${r.strategy}`)).toEqual(["redis-blip sse"]);
  });
});

describe("fault tables", () => {
  const results = createFixtureWithFaults();

  it("one table per kind in FAULT_KINDS order, a row per strategy in canonical order", () => {
    const all = buildFaultTables(groupFaultsByKind(results));
    expect(all.map((t) => t.kind)).toEqual([...FAULT_KINDS]);
    for (const table of all) {
      expect(table.rows.map((r) => r.strategy)).toEqual(["short-polling", "long-polling", "sse"]);
      expect(table.injected).toContain(table.rows[0]?.run.fault.action);
    }
  });

  it("optional columns only where some run has a value", () => {
    const headers = (kind: string) =>
      tables(results)
        .get(kind)
        ?.columns.map((c) => c.header);
    expect(headers("slow-consumer")).toEqual(
      expect.arrayContaining(["server cuts", "cut reasons", "max buffered / bound"]),
    );
    expect(headers("server-restart")).not.toContain("server cuts");
    expect(headers("server-restart")).not.toContain("others' p99 before → during");
    expect(headers("instance-failover")).toContain("others' p99 before → during");
  });

  it("null is n/a with a reason, never 0", () => {
    expect(cell(results, "redis-blip", "sse", "recovered after")).toEqual({
      text: "n/a",
      naReason: NA_REASONS.notRecovered,
    });
    expect(cell(results, "slow-consumer", "long-polling", "max buffered / bound")).toEqual({
      text: "n/a",
      naReason: NA_REASONS.buffered,
    });
    expect(cell(results, "slow-consumer", "sse", "max buffered / bound")?.text).toBe(
      "60.0 KiB / 64.0 KiB",
    );
    const noBack = createFixtureWithFaults();
    const run = faultRuns(noBack).find(
      (r) => r.fault.kind === "redis-blip" && r.strategy === "sse",
    );
    if (run === undefined) throw new Error("fixture lacks redis-blip sse");
    run.fault.timeToBackMs = null;
    run.fault.reconnectedClients = 150;
    expect(cell(noBack, "redis-blip", "sse", "back after")?.naReason).toBe(
      "50 of 200 disrupted clients never connected again before the drain ended",
    );
  });

  it("signed extra cost, resets with what they skipped", () => {
    expect(cell(results, "server-restart", "short-polling", "extra requests")?.text).toBe("−180");
    expect(cell(results, "server-restart", "sse", "extra requests")?.text).toBe("+200");
    expect(cell(results, "server-restart", "short-polling", "extra bytes")?.text).toBe("−81.7 KiB");
    expect(cell(results, "history-trimmed", "sse", "resets (skipped by reset)")?.text).toBe(
      "20 (40)",
    );
  });

  it("lost or duplicates are failures where history covered the gap, not in a silent trim", () => {
    expect(cell(results, "redis-blip", "sse", "lost")).toMatchObject({
      text: "37",
      flag: "failure",
    });
    const silent = createFixtureWithFaults();
    for (const run of faultRuns(silent).filter((r) => r.fault.kind === "history-trimmed")) {
      // a server without resets: the trimmed notifications are simply gone
      run.fault.resets = 0;
      run.fault.lost = run.fault.skippedByReset;
      run.fault.skippedByReset = 0;
      expect(historyCoveredGap(run)).toBe(false);
    }
    expect(cell(silent, "history-trimmed", "sse", "lost")).toMatchObject({
      text: "40",
      flag: "warning",
    });
    const withResets = faultRuns(results).find((r) => r.fault.kind === "history-trimmed");
    if (withResets === undefined) throw new Error("fixture lacks history-trimmed");
    expect(historyCoveredGap(withResets)).toBe(true);
  });
});

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
    expect(buildVerdictRows(results).every((row) => row.run.fault === null)).toBe(true);
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

describe("external target", () => {
  it("the header names the measured server and says server and Redis costs were not measured", () => {
    const results = createFixtureResults();
    results.method.redis = null;
    results.method.target = {
      strategy: "sse",
      subscribeUrl: "http://127.0.0.1:9000/events/{userId}?a=1&b=<2>",
      publishUrl: "http://127.0.0.1:9000/publish/{userId}",
    };
    const html = renderHtml(results, CHART_JS);
    expect(html).toContain("<strong>External server.</strong>");
    expect(html).toContain("http://127.0.0.1:9000/events/{userId}?a=1&amp;b=&lt;2&gt;");
    expect(html).toContain(
      "Server and Redis costs (CPU, memory, connections, Redis commands) were not measured",
    );
    expect(html).toContain("Redis not ours (external target)");
    expect(html).not.toContain("(null)");
    const md = renderSummaryMarkdown(results, []);
    expect(md).toContain(
      "**External server:** These runs measured an external server (--target, sse)",
    );
    expect(md).toContain("publish POST http://127.0.0.1:9000/publish/{userId}");
    expect(md).toContain("\\<2\\>");
    expect(renderHtml(createFixtureResults(), CHART_JS)).not.toContain("External server");
  });
});
