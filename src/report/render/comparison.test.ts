/**
 * `npm run report -- --compare A B` as data and as pages: groups matched by scenario step x
 * strategy, each headline figure compared on its per-run values with compareSamples and Holm
 * across the whole comparison. Single runs are inconclusive (never a false alarm); two draws
 * from one distribution are within noise everywhere; a doubled p50 is a regression on p50 and
 * only there.
 */
import { describe, expect, test } from "vitest";
import type { BenchResults } from "../../model/results.ts";
import { buildComparison, type ComparisonRow } from "../model/comparison.ts";
import { FAULT_COMPARISON_FOOTNOTE } from "../model/fault-comparison.ts";
import { faultRuns } from "../model/run-groups.ts";
import { createFixtureResults } from "../test-support/fixture.ts";
import { createFixtureWithFaults } from "../test-support/fixture-faults.ts";
import { createRepeatedFixture, resummarize } from "../test-support/fixture-repeated.ts";
import { renderComparison } from "./comparison.ts";

function variant(change: (results: BenchResults) => void): BenchResults {
  const results = createFixtureResults();
  change(results);
  return resummarize(results);
}

const verdictsOf = (rows: readonly ComparisonRow[]) =>
  rows.flatMap((r) => r.cells.map((c) => c.verdict)).filter((v) => v !== null);

describe("comparing two files of single runs", () => {
  const a = createFixtureResults();

  test("every figure is inconclusive: 1 run per side, 3 needed; nothing flagged", () => {
    const { rows, verdict } = buildComparison(a, createFixtureResults());
    expect(rows).toHaveLength(a.runs.length);
    expect(rows.every((r) => r.status === "compared" || r.status === "invalid in both")).toBe(true);
    const verdicts = verdictsOf(rows);
    expect(verdicts.length).toBeGreaterThan(150);
    expect(new Set(verdicts)).toEqual(new Set(["inconclusive"]));
    const steadySse = rows.find((r) => r.scenario === "steady" && r.strategy === "sse");
    expect(steadySse?.runs).toBe("1 vs 1");
    expect(steadySse?.cells[0]?.text).toMatch(
      /^1\.\d+ ms → 1\.\d+ ms \(0\.0 %\): inconclusive: 1 run per side, 3 needed$/,
    );
    expect(verdict).toContain("0 change(s) beyond noise");
    expect(verdict).toContain("0 tested comparisons");
  });

  test("a doubled p99 between single runs is still no regression: one run cannot tell", () => {
    const b = variant((results) => {
      for (const run of results.runs) if (run.latency.p99Us !== null) run.latency.p99Us *= 2;
    });
    const steadySse = buildComparison(a, b).rows.find(
      (r) => r.scenario === "steady" && r.strategy === "sse",
    );
    const p99 = steadySse?.cells[1];
    expect(p99?.verdict).toBe("inconclusive");
    expect(p99?.change).toBe("×2.0");
  });

  test("unmatched and invalid groups are listed, not compared", () => {
    const b = variant((results) => {
      results.runs = results.runs.filter((r) => r.scenario !== "burst");
      const first = results.runs[0];
      if (first) first.valid = false;
    });
    const { rows } = buildComparison(a, b);
    expect(rows.filter((r) => r.status === "only in A")).toHaveLength(3);
    expect(rows[0]?.status).toBe("invalid in B");
    expect(rows[0]?.cells.every((c) => c.verdict === null)).toBe(true);
  });

  test("markdown and html name both runs and say how verdicts are decided", () => {
    const { markdown, html } = renderComparison(a, a, { a: "reports/<a>", b: "reports/b" });
    expect(markdown).toContain("0 change(s) beyond noise");
    expect(markdown).toContain("Holm-adjusted across every figure x group");
    expect(markdown).toContain("inconclusive: 1 run per side, 3 needed");
    expect(html).toContain("reports/&lt;a&gt;");
    expect(html).not.toContain("reports/<a>");
    expect(html.startsWith("<!doctype html>")).toBe(true);
  });
});

describe("comparing repeated runs (5 repetitions per side)", () => {
  const a = createRepeatedFixture({ repeat: 5, seed: 1 });
  const sameCommit = createRepeatedFixture({ repeat: 5, seed: 2 });

  test("two draws from one distribution: within noise on every figure", () => {
    const { rows, verdict, family } = buildComparison(a, sameCommit);
    const verdicts = verdictsOf(rows);
    expect(verdicts.length).toBeGreaterThan(180);
    expect(new Set(verdicts)).toEqual(new Set(["within-noise"]));
    expect(family).toBe(verdicts.length);
    expect(verdict).toMatch(
      /^0 change\(s\) beyond noise \(0 regressed, 0 improved\); \d+ within noise; 0 inconclusive/,
    );
    // the invalid repetition is counted on both sides, not compared
    expect(rows.find((r) => r.scenario === "steady" && r.strategy === "long-polling")?.runs).toBe(
      "4 vs 4",
    );
  });

  test("a doubled p50 is a regression on p50, only where it was changed", () => {
    const doubled = createRepeatedFixture({ repeat: 5, seed: 2 });
    const changed = (run: BenchResults["runs"][number]) =>
      (run.scenario === "steady" && run.strategy === "sse") ||
      (run.scenario === "ramp" &&
        run.step?.label === "1000 clients" &&
        run.strategy === "long-polling");
    for (const run of doubled.runs) {
      if (changed(run) && run.latency.p50Us !== null) run.latency.p50Us *= 2;
    }
    resummarize(doubled);
    const { rows, verdict } = buildComparison(a, doubled);
    const regressed = rows.flatMap((r) =>
      r.cells.flatMap((c, i) =>
        c.verdict === "regressed" ? [`${r.scenario} ${r.step} ${r.strategy} ${i}`] : [],
      ),
    );
    expect(regressed.sort()).toEqual(["ramp 1000 clients long-polling 0", "steady  sse 0"]);
    const others = rows.flatMap((r) => r.cells.map((c) => c.verdict)).filter((v) => v !== null);
    expect(others.filter((v) => v !== "within-noise")).toHaveLength(2);
    const p50 = rows.find((r) => r.scenario === "steady" && r.strategy === "sse")?.cells[0];
    expect(p50?.phrase).toBe("⚠ regressed");
    // "×1.9 [1.7, 2.1]": a multiple whose interval holds the true factor of 2
    const [estimate = 0, lo = 0, hi = 0] = (p50?.change?.match(/[\d.]+/g) ?? []).map(Number);
    expect(estimate).toBeGreaterThan(1.6);
    expect(lo).toBeLessThan(2);
    expect(hi).toBeGreaterThan(2);
    expect(p50?.reason).toContain("adjusted p");
    expect(verdict).toMatch(/^2 change\(s\) beyond noise \(2 regressed, 0 improved\)/);
    const { markdown, html } = renderComparison(a, doubled);
    expect(markdown).toContain("⚠ regressed");
    expect(html).toContain('class="ci flag"');
  });

  test("halved bytes per delivered is an improvement", () => {
    const halved = createRepeatedFixture({ repeat: 5, seed: 3 });
    for (const run of halved.runs) {
      if (run.scenario === "burst" && run.strategy === "short-polling" && run.perDelivered.bytes) {
        run.perDelivered.bytes /= 2;
      }
    }
    resummarize(halved);
    const row = buildComparison(a, halved).rows.find(
      (r) => r.scenario === "burst" && r.strategy === "short-polling",
    );
    expect(row?.cells[3]?.verdict).toBe("improved");
    expect(row?.cells[3]?.change).toMatch(/^×0\.(4|5)\d \[/);
  });
});

describe("fault runs in a comparison", () => {
  const a = createFixtureWithFaults();

  test("kept out of the sunny-day table, compared on their own numbers; time to recover gets a verdict", () => {
    const b = createFixtureWithFaults();
    for (const run of faultRuns(b)) {
      if (run.fault.kind !== "server-restart" || run.strategy !== "sse") continue;
      run.fault.timeToRecoverMs = 4000;
      run.fault.lost = 2;
      run.fault.extraRequests = -20;
    }
    resummarize(b);
    const { rows, faultRows, verdict } = buildComparison(a, b);
    expect(rows).toHaveLength(37);
    expect(faultRows).toHaveLength(18);
    expect(faultRows.every((r) => r.status === "compared")).toBe(true);
    expect(faultRows.map((r) => r.kind).slice(0, 3)).toEqual(Array(3).fill("server-restart"));
    const sse = faultRows.find((r) => r.kind === "server-restart" && r.strategy === "sse");
    expect(sse?.cells.map((c) => c.text)).toEqual([
      "3.15 s → 4 s (+850 ms, +27 %): inconclusive: 1 run per side, 3 needed",
      "0 → 2 (+2)",
      "0 → 0 (±0)",
      "0 → 0 (±0)",
      "+200 → −20 (−220)",
    ]);
    expect(sse?.cells.map((c) => c.delta)).toEqual([850, 2, 0, 0, -220]);
    expect(sse?.cells[0]?.verdict).toBe("inconclusive");
    // not recovered on one side: no difference to take, no verdict
    const blip = faultRows.find((r) => r.kind === "redis-blip" && r.strategy === "sse");
    expect(blip?.cells[0]).toMatchObject({ text: "not recovered → not recovered", delta: null });
    expect(blip?.cells[0]?.verdict).toBeNull();
    expect(verdict).toContain("0 change(s) beyond noise");

    const { markdown, html } = renderComparison(a, b);
    expect(markdown).toContain("## Faults");
    expect(markdown).toContain(
      "| server-restart | sse | compared | 1 vs 1 | 3.15 s → 4 s (+850 ms, +27 %): inconclusive: 1 run per side, 3 needed |",
    );
    expect(markdown).toContain("no run-to-run noise is modelled for these counts");
    expect(markdown.slice(markdown.indexOf("## Faults"))).not.toContain("⚠");
    expect(html).toContain("<h2>Faults</h2>");
    expect(html).toContain(FAULT_COMPARISON_FOOTNOTE.slice(0, 40));
  });

  test("repeated fault runs: within noise, and a slower recovery is a regression", () => {
    const before = createRepeatedFixture({ repeat: 5, seed: 4, faults: true });
    const after = createRepeatedFixture({ repeat: 5, seed: 5, faults: true });
    const same = buildComparison(before, after).faultRows;
    const verdicts = same.map((r) => r.cells[0]?.verdict ?? null);
    // redis-blip sse never recovers: no times to compare
    expect(verdicts.filter((v) => v === null)).toHaveLength(1);
    expect(new Set(verdicts.filter((v) => v !== null))).toEqual(new Set(["within-noise"]));
    for (const run of faultRuns(after)) {
      if (
        run.fault.kind === "server-restart" &&
        run.strategy === "sse" &&
        run.fault.timeToRecoverMs
      ) {
        run.fault.timeToRecoverMs *= 1.5;
      }
    }
    resummarize(after);
    const slower = buildComparison(before, after).faultRows.find(
      (r) => r.kind === "server-restart" && r.strategy === "sse",
    );
    expect(slower?.runs).toBe("5 vs 5");
    expect(slower?.cells[0]?.verdict).toBe("regressed");
    expect(slower?.cells[0]?.text).toMatch(/\): ⚠ regressed$/);
  });

  test("one side without fault runs: listed as only in A or B, no crash", () => {
    const plain = createFixtureResults();
    const onlyA = buildComparison(a, plain).faultRows;
    expect(onlyA).toHaveLength(18);
    expect(
      onlyA.every((r) => r.status === "only in A" && r.cells.every((c) => c.delta === null)),
    ).toBe(true);
    expect(onlyA[0]?.cells[0]?.text).toBe("1.52 s");
    const onlyB = buildComparison(plain, a).faultRows;
    expect(onlyB.every((r) => r.status === "only in B")).toBe(true);
    expect(renderComparison(plain, a).markdown).toContain(
      "| server-restart | short-polling | only in B |",
    );
    expect(renderComparison(a, plain).html).toContain("only in A");
  });

  test("neither side with fault runs: no Faults part", () => {
    const plain = createFixtureResults();
    expect(buildComparison(plain, plain).faultRows).toEqual([]);
    const { markdown, html } = renderComparison(plain, plain);
    expect(markdown).not.toContain("Faults");
    expect(html).not.toContain("Faults");
  });
});
