import { describe, expect, test } from "vitest";
import type { BenchResults } from "../model/results.ts";
import { buildFaultComparisonRows, FAULT_COMPARISON_FOOTNOTE } from "./fault-comparison.ts";
import { buildComparisonRows, renderComparison } from "./render-comparison.ts";
import { faultRuns } from "./run-groups.ts";
import { createFixtureResults } from "./test-support/fixture.ts";
import { createFixtureWithFaults } from "./test-support/fixture-faults.ts";

function variant(change: (results: BenchResults) => void): BenchResults {
  const results = createFixtureResults();
  change(results);
  return results;
}

describe("renderComparison", () => {
  const a = createFixtureResults();

  test("identical runs: nothing flagged", () => {
    const rows = buildComparisonRows(a, createFixtureResults());
    expect(rows).toHaveLength(a.runs.length);
    expect(rows.every((r) => r.status === "compared" || r.status === "invalid in both")).toBe(true);
    expect(rows.flatMap((r) => r.cells).some((c) => c.flagged)).toBe(false);
  });

  test("flags changes beyond the noise threshold, not within it", () => {
    const b = variant((results) => {
      for (const run of results.runs) {
        if (run.latency.p99Us !== null) run.latency.p99Us *= 2; // beyond the 70 % p99 threshold
        if (run.perDelivered.bytes !== null) run.perDelivered.bytes *= 1.03; // within 5 %
      }
    });
    const steadySse = buildComparisonRows(a, b).find(
      (r) => r.scenario === "steady" && r.strategy === "sse",
    );
    const [, p99, , bytes] = steadySse?.cells ?? [];
    expect(p99?.flagged).toBe(true);
    expect(p99?.change).toBeCloseTo(1, 6);
    expect(p99?.text).toContain("+100.0 %");
    expect(bytes?.flagged).toBe(false);
  });

  test("unmatched and invalid runs are listed, not compared", () => {
    const b = variant((results) => {
      results.runs = results.runs.filter((r) => r.scenario !== "burst");
      const first = results.runs[0];
      if (first) first.valid = false;
    });
    const rows = buildComparisonRows(a, b);
    expect(rows.filter((r) => r.status === "only in A")).toHaveLength(3);
    expect(rows[0]?.status).toBe("invalid in B");
    expect(rows[0]?.cells.some((c) => c.flagged)).toBe(false);
  });

  test("markdown and html name both runs and explain the threshold", () => {
    const { markdown, html } = renderComparison(a, a, { a: "reports/<a>", b: "reports/b" });
    expect(markdown).toContain("0 change(s) beyond noise");
    expect(markdown).toContain("run-to-run noise threshold");
    expect(html).toContain("reports/&lt;a&gt;");
    expect(html).not.toContain("reports/<a>");
    expect(html.startsWith("<!doctype html>")).toBe(true);
  });
});

describe("fault runs in a comparison", () => {
  const a = createFixtureWithFaults();

  test("kept out of the noise-flagged table, compared on their own numbers with plain deltas", () => {
    const b = createFixtureWithFaults();
    for (const run of faultRuns(b)) {
      if (run.fault.kind !== "server-restart" || run.strategy !== "sse") continue;
      run.fault.timeToRecoverMs = 4000;
      run.fault.lost = 2;
      run.fault.extraRequests = -20;
    }
    expect(buildComparisonRows(a, b)).toHaveLength(37);
    const rows = buildFaultComparisonRows(a, b);
    expect(rows).toHaveLength(18);
    expect(rows.every((r) => r.status === "compared")).toBe(true);
    expect(rows.map((r) => r.kind).slice(0, 3)).toEqual(Array(3).fill("server-restart"));
    const sse = rows.find((r) => r.kind === "server-restart" && r.strategy === "sse");
    expect(sse?.cells.map((c) => c.text)).toEqual([
      "3.15 s → 4 s (+850 ms)",
      "0 → 2 (+2)",
      "0 → 0 (±0)",
      "0 → 0 (±0)",
      "+200 → −20 (−220)",
    ]);
    expect(sse?.cells.map((c) => c.delta)).toEqual([850, 2, 0, 0, -220]);
    // not recovered on one side: no difference to take
    const blip = rows.find((r) => r.kind === "redis-blip" && r.strategy === "sse");
    expect(blip?.cells[0]).toEqual({ text: "not recovered → not recovered", delta: null });

    const { markdown, html } = renderComparison(a, b);
    expect(markdown).toContain("## Faults");
    expect(markdown).toContain("| server-restart | sse | compared | 3.15 s → 4 s (+850 ms) |");
    expect(markdown).toContain("No run-to-run noise threshold has been measured");
    // the sunny-day count only (one fixture run is invalid in both)
    expect(markdown).toContain("0 change(s) beyond noise across 36 compared runs");
    expect(markdown.slice(markdown.indexOf("## Faults"))).not.toContain("⚠");
    expect(html).toContain("<h2>Faults</h2>");
    expect(html).toContain(FAULT_COMPARISON_FOOTNOTE.slice(0, 40));
  });

  test("one side without fault runs: listed as only in A or B, no crash", () => {
    const plain = createFixtureResults();
    const onlyA = buildFaultComparisonRows(a, plain);
    expect(onlyA).toHaveLength(18);
    expect(
      onlyA.every((r) => r.status === "only in A" && r.cells.every((c) => c.delta === null)),
    ).toBe(true);
    expect(onlyA[0]?.cells[0]?.text).toBe("1.52 s");
    const onlyB = buildFaultComparisonRows(plain, a);
    expect(onlyB.every((r) => r.status === "only in B")).toBe(true);
    expect(renderComparison(plain, a).markdown).toContain(
      "| server-restart | short-polling | only in B |",
    );
    expect(renderComparison(a, plain).html).toContain("only in A");
  });

  test("neither side with fault runs: no Faults part", () => {
    const plain = createFixtureResults();
    expect(buildFaultComparisonRows(plain, plain)).toEqual([]);
    const { markdown, html } = renderComparison(plain, plain);
    expect(markdown).not.toContain("Faults");
    expect(html).not.toContain("Faults");
  });
});
