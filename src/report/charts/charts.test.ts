import { describe, expect, test } from "vitest";
import type { BenchResults } from "../../model/results.ts";
import { STRATEGIES } from "../../model/strategies.ts";
import { MODEL_COLOR, STRATEGY_COLORS } from "../model/palette.ts";
import { groupRepetitions } from "../model/run-groups.ts";
import { createFixtureResults } from "../test-support/fixture.ts";
import type { ChartSpec } from "./chart-spec.ts";
import { ceilTo125, floorTo125, spansDecades } from "./chart-spec.ts";
import { histogramToCdfPoints } from "./latency-cdf.ts";
import { buildLatencyPercentilesChart } from "./latency-percentiles.ts";
import { buildReportCharts } from "./scenario-charts.ts";
import { logTickLabel } from "./tick-format.ts";

const results: BenchResults = createFixtureResults();
const byScenario = new Map(
  buildReportCharts(results).map(({ group, charts }) => [group.scenario, charts]),
);

function chart(scenario: string, idSuffix: string): ChartSpec {
  const found = byScenario.get(scenario)?.find((c) => c.id === `${scenario}-${idSuffix}`);
  if (!found)
    throw new Error(
      `no chart ${scenario}-${idSuffix}; have ${byScenario.get(scenario)?.map((c) => c.id)}`,
    );
  return found;
}

type Scale = { type?: string; title?: { display?: boolean; text?: string } };
const scales = (c: ChartSpec) => (c.config.options?.scales ?? {}) as Record<string, Scale>;

describe("chart configurations", () => {
  const all = [...byScenario.values()].flat();

  test("every scenario gets charts, ids are unique and file-name safe", () => {
    expect([...byScenario.keys()]).toEqual([
      "steady",
      "burst",
      "idle",
      "ramp",
      "rate-sweep",
      "interval-sweep",
    ]);
    for (const charts of byScenario.values()) expect(charts.length).toBeGreaterThan(0);
    const ids = all.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  test("are plain JSON (the HTML embeds them), animation off, every axis titled", () => {
    for (const c of all) {
      expect(JSON.parse(JSON.stringify(c.config))).toEqual(c.config);
      expect(c.config.options?.animation).toBe(false);
      for (const scale of Object.values(scales(c))) {
        expect(scale.title?.display).toBe(true);
        expect(scale.title?.text?.length).toBeGreaterThan(3);
      }
    }
  });

  test("one colour per strategy everywhere", () => {
    for (const c of all) {
      for (const dataset of c.config.data.datasets) {
        const strategy = STRATEGIES.find((s) => dataset.label?.startsWith(s));
        if (strategy === undefined) continue;
        expect(dataset.borderColor).toBe(STRATEGY_COLORS[strategy]);
      }
    }
  });

  test("the rate sweep is log-log and the interval sweep draws the interval/2 model", () => {
    const crossover = chart("rate-sweep", "requests-per-delivery-vs-rate");
    expect(scales(crossover).x?.type).toBe("logarithmic");
    expect(scales(crossover).y?.type).toBe("logarithmic");
    expect(scales(chart("ramp", "p99-latency-vs-clients")).x?.type).toBe("logarithmic");

    const interval = chart("interval-sweep", "latency-vs-polling-cost");
    const model = interval.config.data.datasets.find((d) => d.label === "model: interval / 2");
    expect(model?.borderColor).toContain(MODEL_COLOR);
    const points = model?.data as { x: number; y: number }[];
    expect(points.map((p) => p.y).sort((a, b) => a - b)).toEqual([125, 500, 2500, 5000]);
  });

  test("nothing measurable is skipped, never drawn as zero", () => {
    // idle delivers nothing: no latency charts, and no per-delivered bars
    const idle = byScenario.get("idle")?.map((c) => c.id) ?? [];
    expect(idle).not.toContain("idle-latency-percentiles");
    expect(idle).not.toContain("idle-latency-cdf");
    expect(idle).not.toContain("idle-requests-per-delivered");
    expect(idle).toContain("idle-requests-per-client-minute");

    const steady = results.runs.filter((r) => r.scenario === "steady");
    const withNull = steady.map((r, i) =>
      i === 2 ? { ...r, latency: { ...r.latency, p99Us: null } } : r,
    );
    const spec = buildLatencyPercentilesChart(
      "steady",
      groupRepetitions({ summaries: [] }, withNull),
    );
    const sse = spec?.config.data.datasets.find((d) => d.label === "sse");
    expect(sse?.data[2]).toBeNull();
    expect(sse?.data).not.toContain(0);
  });

  test("the CDF is read from the encoded HDR histogram", () => {
    const run = results.runs[0];
    if (run === undefined) throw new Error("fixture has no runs");
    if (run.latency.histogram === null) throw new Error("fixture runs carry histograms");
    const points = histogramToCdfPoints(run.latency.histogram);
    expect(points.at(-1)?.y).toBe(100);
    const ys = points.map((p) => p.y);
    const xs = points.map((p) => p.x);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    // the median of the curve is the stored p50 (both from the same histogram)
    expect(points.find((p) => p.y === 50)?.x).toBeCloseTo((run.latency.p50Us ?? 0) / 1000, 6);
    expect(histogramToCdfPoints("")).toEqual([]);
    expect(histogramToCdfPoints("not base64 at all")).toEqual([]);
  });
});

describe("axis helpers", () => {
  test("log scale only when positive values span decades", () => {
    expect(spansDecades([1, 10])).toBe(false);
    expect(spansDecades([1, 100])).toBe(true);
    expect(spansDecades([0, 100])).toBe(false);
  });

  test("1-2-5 bounds and labels", () => {
    expect(floorTo125(0.034)).toBe(0.02);
    expect(ceilTo125(730)).toBe(1000);
    expect(ceilTo125(5)).toBe(5);
    expect([0.01, 0.03, 0.2, 1, 3, 5, 1000, 7000].map(logTickLabel)).toEqual([
      "0.01",
      "",
      "0.2",
      "1",
      "",
      "5",
      "1,000",
      "",
    ]);
  });
});
