/** The time-to-recover chart: one bar per strategy and fault, a not-recovered run never drawn as 0. */
import { describe, expect, it } from "vitest";
import { FAULT_KINDS } from "../../model/fault-kinds.ts";
import { groupFaultsByKind } from "../model/fault-runs.ts";
import { STRATEGY_COLORS, strategyFill } from "../model/palette.ts";
import { faultRuns } from "../model/run-groups.ts";
import { renderPng } from "../render/image.ts";
import { createFixtureResults } from "../test-support/fixture.ts";
import { createFixtureWithFaults } from "../test-support/fixture-faults.ts";
import {
  buildFaultCharts,
  buildFaultRecoveryChart,
  FAULT_CHART_ID,
  FAULT_CHART_TITLE,
  faultBar,
  NOT_RECOVERED_LEGEND,
} from "./fault-recovery.ts";

type Bars = {
  label: string;
  data: (number | null)[];
  backgroundColor: string[] | string;
  borderColor: string;
  borderWidth: number[] | number;
};

function chartOf(results = createFixtureWithFaults()) {
  const chart = buildFaultRecoveryChart(groupFaultsByKind(results));
  if (chart === null || chart.config.type !== "bar") throw new Error("expected a bar chart");
  return {
    chart,
    labels: chart.config.data.labels as (string | string[])[],
    datasets: chart.config.data.datasets as unknown as Bars[],
  };
}

describe("fault recovery chart", () => {
  it("a group per fault kind, a bar per strategy in its colour, seconds to recover", () => {
    const { chart, labels, datasets } = chartOf();
    expect(chart.id).toBe(FAULT_CHART_ID);
    expect(chart.title).toBe(FAULT_CHART_TITLE);
    expect(chart.key).toBe(true);
    expect(labels.map((l) => (Array.isArray(l) ? l[0] : l))).toEqual([...FAULT_KINDS]);
    expect(datasets.map((d) => d.label)).toEqual([
      "short-polling",
      "long-polling",
      "sse",
      NOT_RECOVERED_LEGEND,
    ]);
    for (const d of datasets.slice(0, 3)) {
      expect(d.borderColor).toBe(STRATEGY_COLORS[d.label as keyof typeof STRATEGY_COLORS]);
    }
    // server-restart: 1.52 s, 1.4 s, 3.15 s
    expect(datasets.map((d) => d.data[0])).toEqual([1.52, 1.4, 3.15, null]);
    expect(JSON.parse(JSON.stringify(chart.config))).toEqual(chart.config);
    expect(chart.config.options?.animation).toBe(false);
  });

  it("a run that never recovered: a hollow bar as tall as the time watched, named under its fault, never 0", () => {
    const { labels, datasets } = chartOf();
    const blip = FAULT_KINDS.indexOf("redis-blip");
    const sse = datasets[2];
    if (sse === undefined) throw new Error("expected an sse dataset");
    // 20 s window - fault at 5 s + 5 s drain
    expect(sse.data[blip]).toBe(20);
    expect((sse.backgroundColor as string[])[blip]).toBe(strategyFill("sse", 0.12));
    expect((sse.backgroundColor as string[])[0]).toBe(strategyFill("sse", 0.85));
    expect((sse.borderWidth as number[])[blip]).toBe(3);
    expect(labels[blip]).toEqual(["redis-blip", "not recovered: sse"]);
    expect(labels[0]).toBe("server-restart");
    expect(datasets[3]?.data.every((v) => v === null)).toBe(true);
    for (const d of datasets) expect(d.data).not.toContain(0);
  });

  it("all recovered: no legend entry for hollow bars; a strategy that did not run a fault has no bar", () => {
    const results = createFixtureWithFaults();
    results.runs = results.runs.filter(
      (r) =>
        !(r.fault?.kind === "redis-blip" && r.strategy === "sse") &&
        (r.fault?.kind !== "slow-consumer" || r.strategy === "sse"),
    );
    const { datasets } = chartOf(results);
    expect(datasets.map((d) => d.label)).not.toContain(NOT_RECOVERED_LEGEND);
    const slow = FAULT_KINDS.indexOf("slow-consumer");
    expect(datasets.map((d) => d.data[slow])).toEqual([null, null, 10.9]);
    expect(datasets[2]?.data[FAULT_KINDS.indexOf("redis-blip")]).toBeNull();
  });

  it("a bar of no run, or of a run whose timing cannot say how long it was watched, has no height", () => {
    expect(faultBar([])).toEqual({ seconds: null, recovered: true });
    const run = faultRuns(createFixtureWithFaults()).find((r) => !r.fault.recovered);
    if (run === undefined) throw new Error("fixture has a not-recovered run");
    expect(faultBar([run])).toEqual({ seconds: 20, recovered: false });
    const late = { ...run, fault: { ...run.fault, startMs: 1e9 } };
    expect(faultBar([late])).toEqual({ seconds: null, recovered: false });
  });

  it("linear unless the recovery times span decades", () => {
    expect(chartOf().chart.config.options?.scales?.y?.type).toBe("linear");
    const results = createFixtureWithFaults();
    for (const run of faultRuns(results)) {
      if (run.fault.kind === "reconnect-storm") run.fault.timeToRecoverMs = 40;
    }
    expect(chartOf(results).chart.config.options?.scales?.y?.type).toBe("logarithmic");
  });

  it("absent without fault runs; renders to PNG", async () => {
    expect(buildFaultCharts(createFixtureResults())).toEqual([]);
    expect(buildFaultRecoveryChart([])).toBeNull();
    const [chart] = buildFaultCharts(createFixtureWithFaults());
    if (chart === undefined) throw new Error("expected the fault chart");
    const png = await renderPng(chart.config, { widthPx: 480, heightPx: 270 });
    expect(png.subarray(1, 4).toString()).toBe("PNG");
  });
});
