/**
 * The k6 summary importer against hand-written summaries shaped exactly like k6's
 * (src/k6/fixtures, following internal/js/summary.go: metrics{type, contains, values,
 * thresholds?}, state.testRunDurationMs, options.summaryTrendStats, root_group, setup_data).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildK6Scenarios } from "../../scenarios/k6/lib/plan.ts";
import type { ResolvedParams } from "../model/results.ts";
import { buildReportCharts, renderSummaryMarkdown } from "../report/index.ts";
import { validateResults } from "../results/validate-results.ts";
import {
  ABSENT_FIELD_WARNINGS,
  importK6Summary,
  K6SummaryError,
  mergeImportedResults,
} from "./import-k6-summary.ts";

// biome-ignore lint/suspicious/noExplicitAny: fixtures are mutated freely to make bad summaries.
type Json = Record<string, any>;

function fixture(name: string): Json {
  return JSON.parse(
    readFileSync(path.join(import.meta.dirname, "fixtures", `${name}.summary.json`), "utf8"),
  ) as Json;
}

const SSE = "sse-steady";
const SHORT = "short-polling-steady-quick";
const LONG = "long-polling-burst-no-setup";

const BURST_PARAMS: ResolvedParams = {
  publishModel: "fixed",
  fanout: "all-users",
  shortPollIntervalMs: 1000,
  jitterRatio: 0.1,
  longPollHoldMs: 25_000,
  payloadBytes: 200,
  instances: 1,
  clients: 1000,
  ratePerSec: 0.2,
  rampMs: 2000,
  warmupMs: 2000,
  durationMs: 15_000,
  drainMs: 2000,
};

function importError(summary: unknown, options = {}): string {
  try {
    importK6Summary(summary, options);
  } catch (error) {
    expect(error).toBeInstanceOf(K6SummaryError);
    return (error as Error).message;
  }
  throw new Error("expected importK6Summary to throw");
}

describe("importK6Summary: realistic summaries", () => {
  it("imports an SSE steady run from setup_data, in µs, with absent fields null or named", () => {
    const results = importK6Summary(fixture(SSE));
    expect(validateResults(results)).toBe(results);
    expect(results.method.scenarios).toEqual(["steady"]);
    expect(results.method.strategies).toEqual(["sse"]);
    expect(results.method.quick).toBe(false);
    expect(results.createdAt).toBe("2026-01-01T10:00:00.000Z");
    const run = results.runs[0];
    expect(run?.strategy).toBe("sse");
    expect(run?.valid).toBe(true);
    expect(run?.params.clients).toBe(1000);
    expect(run?.delivery).toEqual({
      published: 1400,
      expected: 1400,
      delivered: 1400,
      lost: 0,
      duplicates: 0,
      reordered: 0,
      skippedByReset: 0,
      deliveredInWindow: 1203,
    });
    expect(run?.latency).toEqual({
      count: 1203,
      minUs: 1000,
      meanUs: 2314,
      p50Us: 2000,
      p90Us: 3000,
      p99Us: 7000,
      p999Us: 15194,
      maxUs: 31000,
      histogram: null,
    });
    // Receivers' submetrics, not the whole test's data_sent/data_received.
    expect(run?.http.bytesSent).toBe(224_000);
    expect(run?.http.bytesReceived).toBe(679_402);
    expect(run?.http.requests).toBe(0); // streams open during the ramp, none in the window
    expect(run?.http.requestsPerClientMinute).toBe(0);
    expect(run?.perDelivered.requests).toBe(0);
    expect(run?.perDelivered.bytes).toBeCloseTo((224_000 + 679_402) / 1400, 6);
    // What k6 cannot measure is absent (null), never zero, and named in the warnings.
    expect(run?.server).toBeNull();
    expect(run?.redis).toBeNull();
    expect(run?.driver).toBeNull();
    expect(run?.http.connectionsOpened).toBeNull();
    expect(run?.latency.histogram).toBeNull();
    for (const warning of ABSENT_FIELD_WARNINGS) expect(run?.warnings).toContain(warning);
    expect(run?.warnings.join(" ")).toMatch(/k6 cannot measure the server's CPU or memory: absent/);
    expect(run?.warnings.join(" ")).toMatch(/not Poisson-spaced/);
    // Schema 3: one summary is one run (repetition 1 of 1), nothing sampled or measured beyond.
    expect(run?.repetition).toBe(1);
    expect(run?.publisher).toBeNull();
    expect(results.method.repeat).toBe(1);
    expect(results.method.sampling).toBeNull();
    expect(results.method.instrumentFloor).toBeNull();
    expect(results.summaries).toHaveLength(1);
    const summary = results.summaries[0];
    expect(summary?.validRuns).toBe(1);
    expect(summary?.figures.latencyP50Ms).toEqual({
      n: 1,
      mean: 2,
      lo: null,
      hi: null,
      values: [2],
    });
    expect(summary?.figures.serverCpuMsPer1000Deliveries).toBeNull();
  });

  it("imports a quick short-polling run: window requests, empty polls, per-delivered ratios", () => {
    const results = importK6Summary(fixture(SHORT));
    const run = results.runs[0];
    expect(results.method.quick).toBe(true);
    expect(run?.http.requests).toBe(80);
    expect(run?.http.emptyResponses).toBe(61);
    expect(run?.http.requestsPerClientMinute).toBeCloseTo(80 / 20 / (1000 / 60_000), 6);
    expect(run?.perDelivered.requests).toBe(80 / 20);
    expect(run?.latency.p50Us).toBe(122_500);
    expect(run?.latency.p99Us).toBe(276_810);
  });

  it("imports a summary without setup_data given strategy, scenario and params; dropped iterations invalidate", () => {
    const results = importK6Summary(fixture(LONG), {
      strategy: "long-polling",
      scenario: "burst",
      params: BURST_PARAMS,
      startedAt: "2026-01-02T00:00:00.000Z",
    });
    const run = results.runs[0];
    expect(run?.valid).toBe(false);
    expect(run?.invalidReasons.join(" ")).toMatch(/dropped 1 publish iterations/);
    expect(run?.latency.p999Us).toBeNull();
    expect(run?.latency.count).toBe(2998);
    expect(run?.delivery.lost).toBe(2);
    expect(run?.http.errors).toBe(2);
    const warnings = run?.warnings.join("\n") ?? "";
    expect(warnings).toMatch(/p99.9 is absent \(null\)/);
    expect(warnings).toMatch(/whole-test data_sent\/data_received, publisher POSTs included/);
    expect(warnings).toMatch(/lost = published - received/);
    expect(warnings).toMatch(/2 client requests failed during the window/);
    // Whole-test bytes as the fallback.
    expect(run?.http.bytesSent).toBe(1_931_020);
  });

  it("renders through the report's pure functions (markdown, charts)", () => {
    const merged = mergeImportedResults([
      importK6Summary(fixture(SSE)),
      importK6Summary(fixture(SHORT)),
    ]);
    expect(merged.runs.map((r) => r.strategy)).toEqual(["sse", "short-polling"]);
    expect(merged.method.strategies).toEqual(["sse", "short-polling"]);
    expect(merged.method.scenarios).toEqual(["steady"]);
    const markdown = renderSummaryMarkdown(merged, []);
    expect(markdown).toContain("sse");
    expect(markdown).toContain("k6 cannot measure the server's CPU or memory: absent");
    expect(() => buildReportCharts(merged)).not.toThrow();
    expect(merged.summaries.map((s) => s.strategy)).toEqual(["sse", "short-polling"]);
    expect(merged.method.repeat).toBe(1);
  });

  it("merges summaries of the same scenario x strategy as repetitions 1, 2, ...", () => {
    const merged = mergeImportedResults([
      importK6Summary(fixture(SSE)),
      importK6Summary(fixture(SHORT)),
      importK6Summary(fixture(SSE)),
    ]);
    expect(merged.runs.map((r) => `${r.strategy}#${r.repetition}`)).toEqual([
      "sse#1",
      "short-polling#1",
      "sse#2",
    ]);
    expect(merged.method.repeat).toBe(2);
    const sse = merged.summaries.find((s) => s.strategy === "sse");
    expect(sse?.runs).toBe(2);
    expect(sse?.figures.latencyP50Ms?.values).toEqual([2, 2]);
  });

  it("asks the scripts' options for every stat it reads", () => {
    // The scripts' summaryTrendStats cover what the importer requires (count, p(99.9) included).
    const summary = fixture(SSE);
    expect(summary.options.summaryTrendStats).toEqual(
      expect.arrayContaining(["min", "avg", "med", "p(90)", "p(99)", "p(99.9)", "max", "count"]),
    );
    expect(Object.keys(buildK6Scenarios(summary.setup_data.params))).toEqual([
      "receivers",
      "publisher",
    ]);
  });
});

describe("importK6Summary: bad summaries give one clear error naming the path", () => {
  it("rejects non-objects and summaries without metrics or state", () => {
    expect(importError("nope")).toBe(
      'k6 summary: must be a JSON object (the data handleSummary receives), got "nope"',
    );
    expect(importError([])).toMatch(/got an array/);
    const noMetrics = fixture(SSE);
    delete noMetrics.metrics;
    expect(importError(noMetrics)).toBe(
      "k6 summary: metrics must be an object of k6 metrics, got nothing",
    );
    const noState = fixture(SSE);
    noState.state = {};
    expect(importError(noState)).toBe(
      "k6 summary: state.testRunDurationMs must be a number, got nothing",
    );
  });

  it("names the missing trend stat and the summaryTrendStats fix", () => {
    const summary = fixture(SSE);
    delete summary.metrics.delivery_latency.values["p(99)"];
    expect(importError(summary)).toBe(
      "k6 summary: metrics.delivery_latency.values.p(99) is missing; add 'p(99)' to summaryTrendStats (it asked for count, min, avg, med, p(90), p(95), p(99), p(99.9), max)",
    );
  });

  it("names a missing custom counter and where it should come from", () => {
    const summary = fixture(SHORT);
    delete summary.metrics.notifications_published;
    expect(importError(summary)).toMatch(
      /^k6 summary: metrics\.notifications_published is missing; the scenarios\/k6 scripts record it/,
    );
  });

  it("rejects wrong metric types and values", () => {
    const wrongType = fixture(SSE);
    wrongType.metrics.seq_gaps.type = "rate";
    expect(importError(wrongType)).toBe(
      'k6 summary: metrics.seq_gaps.type must be "counter", got "rate"',
    );
    const notTime = fixture(SSE);
    notTime.metrics.delivery_latency.contains = "default";
    expect(importError(notTime)).toMatch(
      /^k6 summary: metrics\.delivery_latency\.contains must be "time"/,
    );
    const badValue = fixture(SSE);
    badValue.metrics.requests_in_window.values.count = "12";
    expect(importError(badValue)).toBe(
      'k6 summary: metrics.requests_in_window.values.count must be a finite number, got "12"',
    );
  });

  it("says how to supply strategy, scenario and params when setup_data lacks them", () => {
    expect(importError(fixture(LONG))).toBe(
      "k6 summary: no strategy: pass --strategy (setup_data.strategy is absent)",
    );
    expect(importError(fixture(LONG), { strategy: "long-polling" })).toBe(
      "k6 summary: no scenario: pass --scenario (setup_data.scenario is absent)",
    );
    expect(importError(fixture(LONG), { strategy: "long-polling", scenario: "burst" })).toMatch(
      /^k6 summary: no params: setup_data\.params is absent/,
    );
    const badStrategy = fixture(SSE);
    badStrategy.setup_data.strategy = "grpc";
    expect(importError(badStrategy)).toBe(
      'k6 summary: setup_data.strategy "grpc" is not one of short-polling, long-polling, sse, websocket',
    );
  });

  it("treats a latency trend without samples as no latency, unless deliveries say otherwise", () => {
    const idle = fixture(SHORT);
    delete idle.metrics.delivery_latency;
    idle.metrics.delivered_in_window.values.count = 0;
    const run = importK6Summary(idle).runs[0];
    expect(run?.latency.count).toBe(0);
    expect(run?.latency.p99Us).toBeNull();
    const inconsistent = fixture(SHORT);
    delete inconsistent.metrics.delivery_latency;
    expect(importError(inconsistent)).toMatch(
      /^k6 summary: metrics\.delivery_latency is missing although delivered_in_window is 20/,
    );
  });

  it("turns params the results schema rejects into a K6SummaryError", () => {
    const summary = fixture(SSE);
    summary.setup_data.params.fanout = "everyone";
    expect(importError(summary)).toMatch(
      /^k6 summary imported into invalid results: runs\[0\]\.params\.fanout must be one of/,
    );
  });
});
