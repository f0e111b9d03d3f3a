/**
 * The capacity section from fixture CapacityResults: the table, the chart configuration, the
 * "connections the harness held" table, and that a results file without capacity runs renders
 * no trace of the section.
 */
import { describe, expect, it } from "vitest";
import type { BenchResults, CapacityResult, CapacityStep } from "../../model/results.ts";
import { validateResults } from "../../results/validate-results.ts";
import { buildCapacityChart, buildCapacityCharts } from "../charts/capacity.ts";
import { buildCapacityRows, buildHeldConnections } from "../model/capacity.ts";
import { MODEL_COLOR, STRATEGY_COLORS } from "../model/palette.ts";
import { renderPng } from "../render/image.ts";
import { renderHtml } from "../render/report-html.ts";
import { renderSummaryMarkdown } from "../render/summary-markdown.ts";
import { createFixtureResults } from "../test-support/fixture.ts";
import {
  formatCapacitySummary,
  renderCapacityMarkdown,
  renderCapacitySectionHtml,
} from "./capacity.ts";

function step(targetRps: number | null, achievedRps: number, p99Ms: number): CapacityStep {
  return {
    targetRps,
    achievedRps,
    p50Ms: Math.min(p99Ms, 2),
    p99Ms,
    requests: Math.round(achievedRps * 4),
    non2xx: 0,
    errors: 0,
    timeouts: 0,
  };
}

function capacityResult(strategy: "short-polling" | "long-polling", scale: number): CapacityResult {
  const saturation = 4000 * scale;
  return {
    scenario: "capacity",
    strategy,
    route: `GET /route/${strategy}`,
    connections: 50,
    saturationMs: 5000,
    stepMs: 4000,
    p99BoundMs: 50,
    saturation: step(null, saturation, 120),
    steps: [
      step(1000 * scale, 1000 * scale, 0),
      step(2000 * scale, 2000 * scale, 8),
      step(3000 * scale, 2990 * scale, 35),
      step(3600 * scale, 3400 * scale, 90),
    ],
    maxSustainedRps: 2990 * scale,
    clientsPerProcess: [
      {
        label: `${strategy} every 1 s`,
        requestsPerClientPerSec: 1,
        clients: Math.floor(2990 * scale),
      },
      {
        label: `${strategy} every 5 s`,
        requestsPerClientPerSec: 0.2,
        clients: Math.floor(2990 * scale * 5),
      },
    ],
    server: { cpuSeconds: 20, peakRssBytes: 120e6 },
    valid: strategy === "short-polling",
    invalidReasons: strategy === "short-polling" ? [] : ["closed loop: driver <saturated>"],
    warnings: ["a warning"],
  };
}

function withCapacity(): BenchResults {
  const results = createFixtureResults();
  results.capacity = [capacityResult("long-polling", 0.5), capacityResult("short-polling", 1)];
  return results;
}

describe("capacity table", () => {
  it("one row per strategy and client model, in canonical strategy order", () => {
    const rows = buildCapacityRows([capacityResult("short-polling", 1)]);
    expect(rows.map((r) => r.cells)).toEqual([
      ["short-polling", "short-polling every 1 s", "4,000", "120 ms", "2,990", "1", "2,990"],
      ["short-polling", "short-polling every 5 s", "4,000", "120 ms", "2,990", "0.2", "14,950"],
    ]);
    expect(rows.map((r) => r.first)).toEqual([true, false]);
  });

  it("shows n/a for a strategy that sustained nothing", () => {
    const none = {
      ...capacityResult("short-polling", 1),
      maxSustainedRps: null,
      clientsPerProcess: [{ label: "every 1 s", requestsPerClientPerSec: 1, clients: null }],
    };
    expect(buildCapacityRows([none])[0]?.cells.slice(4)).toEqual(["n/a", "1", "n/a"]);
  });
});

describe("capacity chart", () => {
  it("p99 vs achieved rate: one line per strategy in its colour, log y, the bound across", () => {
    const results = withCapacity();
    const charts = buildCapacityCharts(results);
    expect(charts).toHaveLength(1);
    const chart = charts[0];
    expect(chart?.id).toBe("capacity-p99-vs-rate");
    expect(chart?.title).toBe("capacity: p99 latency vs achieved rate");
    expect(chart?.key).toBe(true);
    const config = chart?.config;
    if (config?.type !== "line") throw new Error("expected a line chart");
    const datasets = config.data.datasets;
    expect(datasets.map((d) => d.label)).toEqual([
      "short-polling",
      "long-polling (invalid)",
      "p99 bound (50 ms)",
    ]);
    expect(datasets[0]?.borderColor).toBe(STRATEGY_COLORS["short-polling"]);
    expect(datasets[1]?.borderColor).toBe(STRATEGY_COLORS["long-polling"]);
    expect(datasets[2]?.borderColor).toBe(MODEL_COLOR);
    // Sorted by achieved rate; the closed loop is the diamond; p99 0 is drawn at 1 ms.
    const shortPoints = datasets[0]?.data as { x: number; y: number }[];
    expect(shortPoints.map((p) => p.x)).toEqual([1000, 2000, 2990, 3400, 4000]);
    expect(shortPoints.map((p) => p.y)).toEqual([1, 8, 35, 90, 120]);
    expect(datasets[0]?.pointStyle).toEqual(["circle", "circle", "circle", "circle", "rectRot"]);
    expect(datasets[2]?.data).toEqual([
      { x: 0, y: 50 },
      { x: 4000, y: 50 },
    ]);
    expect(config.options?.scales?.y?.type).toBe("logarithmic");
    expect(JSON.stringify(config.options?.scales?.y)).toContain("under 1 ms drawn at 1");
  });

  it("renders to PNG through the report's renderer", async () => {
    const chart = buildCapacityChart("capacity", withCapacity().capacity);
    if (!chart) throw new Error("expected a chart");
    const png = await renderPng(chart.config, { widthPx: 480, heightPx: 270 });
    expect(png.subarray(1, 4).toString()).toBe("PNG");
  });

  it("is absent without capacity runs", () => {
    expect(buildCapacityCharts(createFixtureResults())).toEqual([]);
    expect(buildCapacityChart("capacity", [])).toBeNull();
  });
});

describe("connections the harness held", () => {
  it("per strategy, its valid run with the most clients", () => {
    const results = createFixtureResults();
    const held = buildHeldConnections(results.runs);
    expect(held.map((h) => h.strategy)).toEqual(["short-polling", "long-polling", "sse"]);
    for (const row of held) {
      const largest = Math.max(
        ...results.runs
          .filter((r) => r.valid && r.strategy === row.strategy)
          .map((r) => r.params.clients),
      );
      expect(row.clients).toBe(largest);
      expect(row.rssPerConnection).toMatch(/B$/);
      expect(row.cpuPer1000Deliveries).toMatch(/ms$/);
    }
    expect(buildHeldConnections([])).toEqual([]);
  });
});

describe("capacity section", () => {
  it("HTML: heading, method, notes, table, legend, chart and the held-connections table", () => {
    const results = withCapacity();
    const charts: string[] = [];
    const html = renderCapacitySectionHtml(results, (chart) => {
      charts.push(chart.id);
      return `<figure>${chart.id}</figure>`;
    });
    expect(html).toContain('<section class="scenario" id="capacity">');
    expect(html).toContain("<h2>Capacity</h2>");
    expect(html).toContain("50 connections");
    expect(html).toContain("long-polling: closed loop: driver &lt;saturated&gt;");
    expect(html).toContain("max sustained req/s (p99 &lt; 50 ms)");
    expect(html).toContain('<span class="badge">invalid</span>');
    expect(html).toContain("Connections the harness held");
    expect(charts).toEqual(["capacity-p99-vs-rate"]);
    // short polling before long polling, whatever the order in the file
    expect(html.indexOf("short-polling every 1 s")).toBeLessThan(
      html.indexOf("long-polling every 1 s"),
    );
  });

  it("report.html and summary.md carry the section and its image; the results validate", () => {
    const results = withCapacity();
    expect(() => validateResults(JSON.parse(JSON.stringify(results)))).not.toThrow();
    const html = renderHtml(results, "/* chart.js */");
    expect(html).toContain('<li><a href="#capacity">capacity</a></li>');
    expect(html).toContain("2 capacity runs");
    expect(html).toContain('id="chart-capacity-p99-vs-rate"');
    const image = {
      title: "capacity: p99 latency vs achieved rate",
      path: "charts/capacity-p99-vs-rate.png",
    };
    const md = renderSummaryMarkdown(results, [image]);
    expect(md).toContain("## Capacity");
    expect(md).toContain(
      "| short-polling | short-polling every 1 s | 4,000 | 120 ms | 2,990 | 1 | 2,990 |",
    );
    expect(md).toContain("long-polling (INVALID)");
    expect(md).toContain(
      "![capacity: p99 latency vs achieved rate](charts/capacity-p99-vs-rate.png)",
    );
    expect(md).not.toContain("## More charts");
    expect(md).toContain("### Connections the harness held");
  });

  it("without capacity runs nothing of it is rendered", () => {
    const results = createFixtureResults();
    expect(results.capacity).toEqual([]);
    expect(renderCapacitySectionHtml(results, () => "x")).toBe("");
    expect(renderCapacityMarkdown(results, [])).toEqual([]);
    const html = renderHtml(results, "/* chart.js */");
    expect(html).not.toContain('id="capacity"');
    expect(html).not.toContain("capacity runs");
    expect(renderSummaryMarkdown(results, [])).not.toMatch(/capacity/i);
  });

  it("a capacity-only results file says there are no simulated-client runs", () => {
    const results = withCapacity();
    results.runs = [];
    const md = renderSummaryMarkdown(results, []);
    expect(md).toContain("No valid simulated-client run in this results file");
  });
});

describe("terminal summary", () => {
  it("one line per capacity run plus its clients, nothing without capacity runs", () => {
    const lines = formatCapacitySummary(withCapacity());
    expect(lines).toContain(
      "  capacity long-polling: saturation 2,000 (p99 120 ms), max sustained 1,495 with p99 < 50 ms INVALID",
    );
    expect(lines).toContain(
      "    clients per process: 2,990 short-polling every 1 s; 14,950 short-polling every 5 s",
    );
    expect(formatCapacitySummary(createFixtureResults())).toEqual([]);
  });
});
