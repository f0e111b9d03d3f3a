import { describe, expect, it } from "vitest";
import { type BenchResults, RESULTS_SCHEMA_VERSION, type RunResult } from "../model/results.ts";
import type { StrategyId } from "../model/strategies.ts";
import { summarizeRuns } from "../results/summarize-runs.ts";
import { formatFigureInterval, formatSummaryTable, TABLE_MAX_COLUMNS } from "./summary-table.ts";
import { type FakeRunSpec, fakeRun } from "./test-support/fake-run.ts";

function benchOf(runs: RunResult[], failedRuns: BenchResults["failedRuns"] = []): BenchResults {
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: "push-vs-poll", version: "0.0.0" },
    createdAt: "2026-01-01T00:00:00.000Z",
    environment: {
      nodeVersion: "v20",
      os: "Linux",
      arch: "x64",
      cpuModel: "test",
      cpuCount: 2,
      totalMemoryBytes: 1,
      redisVersion: "7.2",
      gitSha: null,
    },
    method: {
      source: "bench",
      tool: "test",
      quick: true,
      argv: [],
      scenarios: [...new Set(runs.map((r) => r.scenario))],
      strategies: [...new Set(runs.map((r) => r.strategy))],
      redis: "managed",
      target: null,
      repeat: Math.max(1, ...runs.map((r) => r.repetition)),
      sampling: null,
      instrumentFloor: null,
    },
    runs,
    capacity: [],
    failedRuns,
    summaries: summarizeRuns(runs),
  };
}

/** `count` interleaved repetitions of each strategy, figures jittered by ±`spread` per rep. */
function repeated(
  count: number,
  strategies: StrategyId[],
  spec: (strategy: StrategyId, rep: number) => Omit<FakeRunSpec, "strategy" | "repetition">,
): RunResult[] {
  const runs: RunResult[] = [];
  for (let rep = 1; rep <= count; rep++) {
    for (const strategy of strategies) {
      runs.push(fakeRun({ ...spec(strategy, rep), strategy, repetition: rep }));
    }
  }
  return runs;
}

const wiggle = (rep: number): number => 1 + (rep - 2) * 0.05; // 0.95, 1, 1.05, ...

const ALL: StrategyId[] = ["short-polling", "long-polling", "sse"];

function realistic(
  strategy: StrategyId,
  rep: number,
): Omit<FakeRunSpec, "strategy" | "repetition"> {
  const w = wiggle(rep);
  const p50 = strategy === "short-polling" ? 512 : strategy === "long-polling" ? 3.2 : 2.1;
  return {
    p50Ms: p50 * w,
    p99Ms: p50 * 4.1 * w,
    requestsPerDelivered: strategy === "sse" ? 0 : (strategy === "short-polling" ? 48 : 1.04) * w,
    bytesPerDelivered: (strategy === "short-polling" ? 12_800 : 1_150) * w,
    cpuMsPer1000: (strategy === "short-polling" ? 1_234 : 28.8) * w,
    rssPerConnectionBytes: 24_000 * w,
  };
}

describe("formatSummaryTable: single runs", () => {
  it("prints one row per run with today's columns, no intervals", () => {
    const text = formatSummaryTable(benchOf(ALL.map((strategy) => fakeRun({ strategy }))));
    const lines = text.split("\n");
    expect(lines[0]).toMatch(
      /^scenario\s+strategy\s+p50\s+p99\s+req\/deliv\s+req\/client-min\s+bytes\/deliv\s+srv CPU ms\/1k\s+RSS\/conn\s+lost\/dup\s+valid$/,
    );
    expect(lines).toHaveLength(2 + 3);
    expect(lines[2]).toMatch(/^steady\s+short-polling\s+2\.00 ms\s+6\.00 ms\s+2\.00\s/);
    expect(text).not.toContain("[");
  });
});

describe("formatSummaryTable: repetitions", () => {
  it("one row per scenario x strategy, headline figures as mean [lo, hi], within 100 columns", () => {
    const text = formatSummaryTable(benchOf(repeated(3, ALL, realistic)));
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^strategy\s+valid\s+p50\s+p99\s+req\/deliv\s+bytes\/deliv$/);
    expect(lines[2]).toBe("steady");
    const rows = lines.filter((line) => line.startsWith("  "));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(
      /^ {2}short-polling\s+3\/3\s+512 ms \[\d{3}, \d{3}\]\s+2\.1 s \[1\.\d, 2\.\d\]\s+48 \[\d\d, \d\d\]\s+13 KiB \[11, 14\]$/,
    );
    expect(rows[2]).toMatch(
      /^ {2}sse\s+3\/3\s+2\.1 ms \[1\.\d, 2\.\d\]\s+8\.6 ms \[\d\.\d, \d\.\d\]\s/,
    );
    // SSE sends no request per delivery: the interval of zeros is [0, 0].
    expect(rows[2]).toContain(" 0 [0, 0] ");
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(TABLE_MAX_COLUMNS);
    expect(text).toContain("mean [95 % interval] over the valid repetitions");
    // The rest did not fit: dropped rather than wrapped, and named.
    expect(text).toContain("not shown in 100 columns: CPU ms/1k, RSS/conn (see the report)");
  });

  it("every figure is shown when it fits, and a long step name takes a line of its own", () => {
    // Nothing delivered in the window (idle-like): no latency, narrow n/a columns.
    const narrow = (strategy: StrategyId, rep: number) => ({
      ...realistic(strategy, rep),
      p50Ms: null,
      p99Ms: null,
      requestsPerDelivered: 1,
      bytesPerDelivered: 900,
      cpuMsPer1000: 20,
      rssPerConnectionBytes: 900,
    });
    const runs = repeated(3, ["sse"], narrow).map((run) => ({
      ...run,
      scenario: "interval-sweep",
      step: { parameter: "shortPollIntervalMs", label: "10,000 ms", value: 10_000 },
    }));
    const lines = formatSummaryTable(benchOf(runs)).split("\n");
    expect(lines[0]).toMatch(/p50\s+p99\s+req\/deliv\s+bytes\/deliv\s+CPU ms\/1k\s+RSS\/conn$/);
    expect(lines[2]).toBe("interval-sweep [10,000 ms]");
    expect(lines[3]).toMatch(
      /^ {2}sse\s+3\/3\s+n\/a\s+n\/a\s+1\.0 \[1\.0, 1\.0\]\s+900 B \[900, 900\]\s+20 \[20, 20\]\s/,
    );
    expect(lines.join("\n")).not.toContain("not shown");
  });

  it("a group with one valid run prints that run's figures as today; invalid runs are named by repetition", () => {
    const runs = repeated(3, ["sse", "long-polling"], realistic).map((run) =>
      run.strategy === "long-polling" && run.repetition > 1
        ? { ...run, valid: false, invalidReasons: ["the driver was saturated"] }
        : run,
    );
    const text = formatSummaryTable(benchOf(runs));
    const long = text.split("\n").find((line) => line.startsWith("  long-polling"));
    expect(long).toMatch(/^ {2}long-polling\s+1\/3\s+3\.04 ms\s+12\.5 ms\s/);
    expect(text).toContain("INVALID steady long-polling rep 2: the driver was saturated");
    expect(text).toContain("INVALID steady long-polling rep 3: the driver was saturated");
  });

  it("a warning every repetition had is printed once per group", () => {
    const runs = repeated(3, ["sse"], realistic).map((run) => ({
      ...run,
      warnings: ["window 1000 ms is short", ...(run.repetition === 2 ? ["driver busy"] : [])],
    }));
    const text = formatSummaryTable(benchOf(runs));
    expect(text.match(/window 1000 ms is short/g)).toHaveLength(1);
    expect(text).toContain("warning steady sse: window 1000 ms is short");
    expect(text).toContain("warning steady sse rep 2: driver busy");
  });

  it("failed repetitions are named with theirs", () => {
    const runs = repeated(2, ["sse"], realistic);
    const text = formatSummaryTable(
      benchOf(runs, [
        { scenario: "steady", step: null, strategy: "sse", repetition: 3, error: "server crashed" },
      ]),
    );
    expect(text).toContain("FAILED steady sse rep 3: server crashed");
  });
});

describe("formatFigureInterval", () => {
  const interval = (mean: number, lo: number | null, hi: number | null) => ({
    n: 3,
    mean,
    lo,
    hi,
    values: [],
  });

  it("two significant digits, in the mean's unit", () => {
    expect(formatFigureInterval(interval(2.13, 1.81, 2.52), "latency")).toBe("2.1 ms [1.8, 2.5]");
    expect(formatFigureInterval(interval(0.42, 0.39, 0.45), "latency")).toBe("420 µs [390, 450]");
    expect(formatFigureInterval(interval(2500, 2100, 2900), "latency")).toBe("2.5 s [2.1, 2.9]");
    expect(formatFigureInterval(interval(1177, 1100, 1260), "bytes")).toBe("1.1 KiB [1.1, 1.2]");
    expect(formatFigureInterval(interval(1.04, 0.98, 1.1), "plain")).toBe("1.0 [0.98, 1.1]");
    expect(formatFigureInterval(interval(1234, 1100, 1390), "plain")).toBe("1,234 [1,100, 1,390]");
  });

  it("a single value as today, no value as n/a", () => {
    expect(formatFigureInterval(interval(2.13, null, null), "latency")).toBe("2.13 ms");
    expect(formatFigureInterval(interval(1177, null, null), "bytes")).toBe("1.15 KiB");
    expect(formatFigureInterval(null, "plain")).toBe("n/a");
  });
});
