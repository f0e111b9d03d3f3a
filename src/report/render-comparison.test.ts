import { describe, expect, test } from "vitest";
import type { BenchResults } from "../results/schema.ts";
import { buildComparisonRows, renderComparison } from "./render-comparison.ts";
import { createFixtureResults } from "./test-fixture.ts";

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
