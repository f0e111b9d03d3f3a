/**
 * Charts show uncertainty: error bars (chartjs-chart-error-bars) on strategy and fault bars from
 * the summaries' intervals, bands behind sweep lines (hidden from the legend), latency charts
 * from the pooled histograms; single runs keep their plain charts.
 */
import { describe, expect, it } from "vitest";
import { groupFaultsByKind } from "../model/fault-runs.ts";
import { groupByScenario } from "../model/run-groups.ts";
import { renderPng } from "../render/image.ts";
import { createFixtureResults } from "../test-support/fixture.ts";
import { createRepeatedFixture } from "../test-support/fixture-repeated.ts";
import { BAND_LABEL_SUFFIX, type ChartSpec } from "./chart-spec.ts";
import { buildFaultRecoveryChart } from "./fault-recovery.ts";
import { histogramToCdfPoints } from "./latency-cdf.ts";
import { LEGEND_FILTER_SOURCE, legendItemShown, withLegendFilter } from "./legend-filter.ts";
import { buildReportCharts } from "./scenario-charts.ts";

const repeated = createRepeatedFixture({ repeat: 3, seed: 21, faults: true });
const charts = new Map(
  buildReportCharts(repeated).flatMap(({ charts: list }) => list.map((c) => [c.id, c])),
);

function chart(id: string): ChartSpec {
  const found = charts.get(id);
  if (found === undefined) throw new Error(`no chart ${id}; have ${[...charts.keys()]}`);
  return found;
}

type Point = { y: number | null; yMin?: number; yMax?: number };
const subtitleOf = (c: ChartSpec) =>
  (c.config.options?.plugins as { subtitle?: { text?: string } } | undefined)?.subtitle?.text;

describe("error bars on strategy bars", () => {
  it("bars are the summary means, whiskers its 95 % interval, in chart units", () => {
    const bytes = chart("steady-bytes-per-delivered");
    expect(bytes.config.type).toBe("barWithErrorBars");
    expect(subtitleOf(bytes)).toBe(
      "means of 2-3 valid runs per bar; whiskers: 95 % interval of the mean",
    );
    const points = bytes.config.data.datasets[0]?.data as unknown as Point[];
    const steady = groupByScenario(repeated)[0]?.groups ?? [];
    steady.forEach((group, i) => {
      const figure = group.summary.figures.bytesPerDelivered;
      expect(points[i]?.y).toBeCloseTo(figure?.mean ?? Number.NaN, 9);
      expect(points[i]?.yMax).toBeCloseTo(figure?.hi ?? Number.NaN, 9);
      // a lower bound below zero is clamped to the axis (0 on a linear axis)
      expect(points[i]?.yMin).toBeCloseTo(Math.max(0, figure?.lo ?? Number.NaN), 9);
    });
    // RSS is charted in KiB like before, from the same summary
    const rss = chart("steady-rss-per-connection").config.data.datasets[0]
      ?.data as unknown as Point[];
    const sse = steady.find((g) => g.strategy === "sse")?.summary.figures
      .serverRssPerConnectionBytes;
    expect(rss[2]?.y).toBeCloseTo((sse?.mean ?? 0) / 1024, 9);
    // every chart is still plain JSON
    for (const c of charts.values()) expect(JSON.parse(JSON.stringify(c.config))).toEqual(c.config);
  });

  it("single runs keep plain bars and no subtitle", () => {
    const single = buildReportCharts(createFixtureResults())
      .flatMap(({ charts: list }) => list)
      .find((c) => c.id === "steady-bytes-per-delivered");
    expect(single?.config.type).toBe("bar");
    expect(single?.config.data.datasets[0]?.data.every((v) => typeof v === "number")).toBe(true);
    expect(subtitleOf(single as ChartSpec)).toBeUndefined();
  });

  it("renders to PNG with the plugin registered (no unknown chart type)", async () => {
    const png = await renderPng(chart("steady-server-cpu-per-1000-delivered").config);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(png.length).toBeGreaterThan(10_000);
  });
});

describe("bands on sweep lines", () => {
  it("two band datasets per repeated line, filled between the bounds, left out of the legend", () => {
    const p99 = chart("ramp-p99-latency-vs-clients");
    expect(p99.config.type).toBe("line");
    const datasets = p99.config.data.datasets as {
      label?: string;
      fill?: unknown;
      data: { x: number; y: number }[];
    }[];
    const bands = datasets.filter((d) => d.label?.endsWith(BAND_LABEL_SUFFIX));
    expect(bands.map((d) => d.label)).toEqual(
      ["short-polling", "short-polling", "long-polling", "long-polling", "sse", "sse"].map(
        (s) => `${s}${BAND_LABEL_SUFFIX}`,
      ),
    );
    expect(bands.map((d) => d.fill)).toEqual([false, "-1", false, "-1", false, "-1"]);
    // upper band at or above the line, lower at or below
    const sseLine = datasets.find((d) => d.label === "sse");
    const [upper, lower] = bands.slice(4);
    for (const point of sseLine?.data ?? []) {
      const hi = upper?.data.find((p) => p.x === point.x)?.y;
      const lo = lower?.data.find((p) => p.x === point.x)?.y;
      if (hi !== undefined) expect(hi).toBeGreaterThanOrEqual(point.y);
      if (lo !== undefined) expect(lo).toBeLessThanOrEqual(point.y);
    }
    expect(subtitleOf(p99)).toMatch(/per point; shaded: 95 % interval of the mean$/);
  });

  it("the legend filter hides exactly the bands, in Node and (as source) in the page", () => {
    expect(legendItemShown({ text: `sse${BAND_LABEL_SUFFIX}` })).toBe(false);
    expect(legendItemShown({ text: "sse" })).toBe(true);
    expect(legendItemShown({})).toBe(true);
    expect(LEGEND_FILTER_SOURCE).toContain(BAND_LABEL_SUFFIX);
    const config = withLegendFilter(structuredClone(chart("ramp-p99-latency-vs-clients").config));
    const labels = config.options?.plugins?.legend?.labels as { filter?: unknown } | undefined;
    expect(labels?.filter).toBe(legendItemShown);
  });
});

describe("latency charts from the pooled histograms", () => {
  it("percentiles and CDF come from each group's pooledLatency", () => {
    const steady = groupByScenario(repeated)[0]?.groups ?? [];
    const sse = steady.find((g) => g.strategy === "sse");
    const pooled = sse?.summary.pooledLatency;
    if (pooled === null || pooled === undefined || pooled.histogram === null)
      throw new Error("fixture lacks pooled latency");
    const percentiles = chart("steady-latency-percentiles");
    const bars = percentiles.config.data.datasets.find((d) => d.label === "sse")?.data;
    expect(bars).toEqual(
      [pooled.p50Us, pooled.p90Us, pooled.p99Us, pooled.maxUs].map((us) => (us ?? 0) / 1000),
    );
    expect(subtitleOf(percentiles)).toBe(
      "pooled: the receipts of 2-3 valid runs merged per strategy",
    );
    const cdf = chart("steady-latency-cdf").config.data.datasets.find((d) => d.label === "sse");
    expect(cdf?.data).toEqual(histogramToCdfPoints(pooled.histogram));
  });
});

describe("fault chart", () => {
  it("mean time to recover with error bars; never-recovered runs stay hollow", () => {
    const faults = buildFaultRecoveryChart(groupFaultsByKind(repeated));
    expect(faults?.config.type).toBe("barWithErrorBars");
    const sse = faults?.config.data.datasets.find((d) => d.label === "sse")
      ?.data as unknown as Point[];
    const restart = groupFaultsByKind(repeated)[0]?.groups.find((g) => g.strategy === "sse");
    const figure = restart?.summary.figures.timeToRecoverMs;
    expect(sse[0]?.y).toBeCloseTo((figure?.mean ?? 0) / 1000, 9);
    expect(sse[0]?.yMax).toBeCloseTo((figure?.hi ?? 0) / 1000, 9);
    // redis-blip: SSE never recovered in any repetition: a hollow bar, no whiskers
    expect(sse[2]?.yMin).toBeUndefined();
    expect(((faults?.config.data.labels ?? []) as (string | string[])[])[2]).toEqual([
      "redis-blip",
      "not recovered: sse",
    ]);
  });
});
