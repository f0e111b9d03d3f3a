/**
 * Repetitions in the report's data: intervals formatted to the digits the runs support, one
 * verdict row per scenario step x strategy from its summary (invalid repetitions counted, never
 * in a figure), between-strategy verdicts Holm-adjusted per step, a "vs best" that never claims
 * what the runs cannot back, and the method line. Older (single-run) files keep their numbers.
 */
import { describe, expect, it } from "vitest";
import { validateResults } from "../../results/validate-results.ts";
import { holmAdjust, relativeDifference } from "../../stats/index.ts";
import { createFixtureResults } from "../test-support/fixture.ts";
import {
  createRepeatedFixture,
  FIXTURE_INSTRUMENT_FLOOR,
  INVALID_REPETITION_REASON,
  resummarize,
} from "../test-support/fixture-repeated.ts";
import { groupFigure } from "./figures.ts";
import {
  formatAbsoluteChange,
  formatInterval,
  formatIntervalCompact,
  formatRelativeChange,
} from "./format.ts";
import {
  collectNotes,
  describeInstrumentFloor,
  describeRepetitions,
  describeScenarioMethod,
} from "./method-line.ts";
import { groupByScenario, repetitionsLabel, runsMarker } from "./run-groups.ts";
import { buildStrategyDiffs, STRATEGY_DIFF_ALPHA } from "./strategy-diffs.ts";
import { buildVerdictRows, verdictCellText } from "./verdict.ts";

describe("interval formatting", () => {
  it("rounds the mean to what the interval supports, bounds in the mean's unit", () => {
    expect(formatIntervalCompact(formatInterval(2134, 2110, 2160, "latencyUs"))).toBe(
      "2.13 ms [2.11, 2.16]",
    );
    expect(formatIntervalCompact(formatInterval(2100, 1800, 2500, "latencyUs"))).toBe(
      "2.1 ms [1.8, 2.5]",
    );
    expect(formatIntervalCompact(formatInterval(505_000, 470_000, 540_000, "latencyUs"))).toBe(
      "505 ms [470, 540]",
    );
    expect(formatIntervalCompact(formatInterval(1536, 1400, 1700, "bytes"))).toBe(
      "1.5 KiB [1.4, 1.7]",
    );
    // a wide interval of a positive figure can reach below zero: shown as it is, with a real minus
    expect(formatInterval(4200, -15_800, 24_100, "latencyUs").interval).toBe("[−15.8, 24.1]");
    // a single run: no interval, the value as the tables always showed it
    expect(formatInterval(2134, null, null, "latencyUs")).toEqual({
      value: "2.13 ms",
      interval: null,
    });
    expect(formatInterval(null, null, null, "ratio").value).toBe("n/a");
  });

  it("relative changes as percentages, large ones as multiples, zeros as differences", () => {
    expect(formatRelativeChange(-0.38, -0.45, -0.3)).toBe("−38 % [−45, −30]");
    expect(formatRelativeChange(-0.06, -0.12, 0.01)).toBe("−6 % [−12, +1]");
    expect(formatRelativeChange(0.031, -0.02, 0.08)).toBe("+3.1 % [−2.0, +8.0]");
    expect(formatRelativeChange(1, 0.85, 1.17)).toBe("×2.0 [1.9, 2.2]");
    expect(formatRelativeChange(-0.9976, -0.998, -0.997)).toBe("×0.0024 [0.0020, 0.0030]");
    expect(formatRelativeChange(0.27, null, null)).toBe("+27 %");
    // the unit follows the largest part: 1,000 µs reads as ms
    expect(formatAbsoluteChange(400, -200, 1000, "latencyUs")).toBe("+0.40 ms [−0.20, +1.00]");
  });
});

describe("verdict rows from repetitions", () => {
  const results = createRepeatedFixture({ repeat: 3, seed: 11 });
  const rows = buildVerdictRows(results);

  it("one row per scenario step x strategy, not per repetition", () => {
    expect(results.runs).toHaveLength(3 * 37);
    expect(rows).toHaveLength(37);
    expect(() => validateResults(JSON.parse(JSON.stringify(results)))).not.toThrow();
  });

  it("figures are the summary's mean with its interval; markers say what they rest on", () => {
    const sse = rows.find((r) => r.scenario === "steady" && r.strategy === "sse");
    const summary = results.summaries.find((s) => s.scenario === "steady" && s.strategy === "sse");
    const p50 = summary?.figures.latencyP50Ms;
    if (
      sse === undefined ||
      p50 === undefined ||
      p50 === null ||
      p50.lo === null ||
      p50.hi === null
    )
      throw new Error("fixture lacks steady sse p50");
    expect(sse.runs).toBe("n = 3");
    expect(sse.cells[0]).toMatchObject(
      formatInterval(p50.mean * 1000, p50.lo * 1000, p50.hi * 1000, "latencyUs"),
    );
    expect(verdictCellText(sse.cells[0] ?? { value: "", interval: null, n: null })).toMatch(
      /^[\d.]+ ms \[[\d.]+, [\d.]+\]$/,
    );
  });

  it("an invalid repetition is counted, left out of the figures, and its reason reachable", () => {
    const lp = rows.find((r) => r.scenario === "steady" && r.strategy === "long-polling");
    expect(lp?.runs).toBe("2 of 3 valid");
    expect(lp?.valid).toBe(true);
    expect(lp?.invalidNotes).toEqual([`run 2 of 3: ${INVALID_REPETITION_REASON}`]);
    const group = groupByScenario(results)[0]?.groups.find((g) => g.strategy === "long-polling");
    if (group === undefined) throw new Error("no steady long-polling group");
    expect(groupFigure(group, "p50Latency")?.n).toBe(2);
    expect(groupFigure(group, "p50Latency")?.values).toHaveLength(2);
    const notes = collectNotes(groupByScenario(results)[0] ?? ({ groups: [] } as never));
    expect(notes.invalid).toEqual([`long-polling, run 2 of 3: ${INVALID_REPETITION_REASON}`]);
  });

  it("a warning every repetition had is said once", () => {
    const ramp = groupByScenario(results).find((g) => g.scenario === "ramp");
    if (ramp === undefined) throw new Error("no ramp");
    const warnings = collectNotes(ramp).warnings;
    expect(warnings.filter((w) => w.startsWith("4000 clients, short-polling"))).toEqual([
      "4000 clients, short-polling, all 3 runs: server event-loop delay p99 above 100 ms: <queueing> dominates latency",
    ]);
    expect(repetitionsLabel([1, 3], 3)).toBe("runs 1 and 3 of 3");
    expect(runsMarker({ runs: [1], valid: [1] } as never)).toBe("1 run");
  });

  it("single-run files keep one row per run, their values and no interval", () => {
    const single = createFixtureResults();
    const singleRows = buildVerdictRows(single);
    expect(singleRows).toHaveLength(37);
    expect(singleRows.every((r) => r.runs === "1 run" || r.runs === "0 of 1 valid")).toBe(true);
    expect(singleRows.every((r) => r.cells.every((c) => c.interval === null))).toBe(true);
    const invalid = singleRows.find((r) => !r.valid);
    expect(invalid?.vsBest).toBe("invalid run");
    // its own (invalid) numbers stay visible, as they always were
    expect(invalid?.cells[0]?.value).not.toBe("n/a");
    // vs best between single runs: a multiple no test can back is marked "?"
    expect(
      singleRows.find((r) => r.scenario === "steady" && r.strategy === "short-polling")?.vsBest,
    ).toMatch(/^p99 ×[\d.,]+\? · bytes ×[\d.,]+\?$/);
  });
});

describe("between-strategy verdicts", () => {
  const results = createRepeatedFixture({ repeat: 3, seed: 11 });
  const diffs = buildStrategyDiffs(results);

  it("per scenario step, the pairs present in their orientation", () => {
    const steady = diffs.find((d) => d.scenario === "steady");
    expect(steady?.pairs.map((p) => `${p.a} vs ${p.b}`)).toEqual([
      "sse vs long-polling",
      "sse vs short-polling",
      "long-polling vs short-polling",
    ]);
    expect(steady?.pairs[0]?.runs).toBe("3 vs 2");
    // interval-sweep has one strategy: no pair, no entry
    expect(diffs.some((d) => d.scenario === "interval-sweep")).toBe(false);
  });

  it("relativeDifference on the valid runs' values, Holm across the step's family", () => {
    const steady = diffs.find((d) => d.scenario === "steady");
    if (steady === undefined) throw new Error("no steady");
    const cells = steady.pairs.flatMap((p) => p.cells).filter((c) => c.status === "tested");
    expect(steady.family).toBe(cells.length);
    const adjusted = holmAdjust(cells.map((c) => c.diff?.pValue ?? null));
    expect(cells.map((c) => c.adjustedPValue)).toEqual(adjusted);
    for (const cell of cells) {
      const clear = (cell.diff?.lo ?? 0) > 0 || (cell.diff?.hi ?? 0) < 0;
      expect(cell.significant).toBe((cell.adjustedPValue ?? 1) < STRATEGY_DIFF_ALPHA && clear);
      expect(cell.sentence).toMatch(/, (not )?significant$/);
    }
    const summaries = (s: string) =>
      results.summaries.find((x) => x.scenario === "steady" && x.strategy === s);
    const p50 = steady.pairs[0]?.cells[0];
    const expected = relativeDifference(
      summaries("sse")?.figures.latencyP50Ms?.values ?? [],
      summaries("long-polling")?.figures.latencyP50Ms?.values ?? [],
    );
    expect(p50?.diff).toEqual(expected);
    // SSE's p50 is far below short polling's (one RTT vs half an interval): significant
    expect(steady.pairs[1]?.cells[0]?.significant).toBe(true);
  });

  it("vs best agrees with the section: a multiple only when significant, ≈ best otherwise", () => {
    const rows = buildVerdictRows(results, diffs);
    for (const row of rows) {
      if (row.valid && row.vsBest.includes("≈ best")) {
        const metric = row.vsBest.startsWith("p99 ≈") ? 1 : 3;
        const step = diffs.find((d) => d.scenario === row.scenario && d.step === row.step);
        const tests = step?.pairs
          .filter((p) => p.a === row.strategy || p.b === row.strategy)
          .map((p) => p.cells[metric]);
        expect(tests?.some((c) => c?.significant === false)).toBe(true);
      }
    }
    expect(rows.some((r) => r.vsBest.includes("≈ best"))).toBe(true);
    expect(rows.some((r) => /×[\d.,]+(?!\?)( |$)/.test(r.vsBest))).toBe(true);
  });

  it("single runs: no tested pair at all", () => {
    const single = buildStrategyDiffs(createFixtureResults());
    expect(single.length).toBeGreaterThan(0);
    expect(single.every((d) => d.pairs.every((p) => p.singleRuns))).toBe(true);
    expect(single.every((d) => d.family === 0)).toBe(true);
  });
});

describe("method line", () => {
  it("repeat, sampling and the instrument floor when present; single run for older files", () => {
    const single = createFixtureResults();
    expect(describeRepetitions(single)).toMatch(/^single run per figure/);
    expect(describeInstrumentFloor(single)).toBeNull();
    const repeated = createRepeatedFixture({ repeat: 3, seed: 1, instrumentFloor: true });
    expect(describeRepetitions(repeated)).toMatch(
      /^3 repetitions per scenario step x strategy, interleaved/,
    );
    expect(describeInstrumentFloor(repeated)).toBe(
      `instrument floor: p50 ${FIXTURE_INSTRUMENT_FLOOR.p50Us} µs, p99 ${FIXTURE_INSTRUMENT_FLOOR.p99Us} µs over 300 probe publishes, no server (publisher issue lag p99 35.0 µs); latency differences near it cannot be told apart`,
    );
    // with the machine's own jitter, the line says what no timer can beat
    const floor = repeated.method.instrumentFloor;
    if (floor === null) throw new Error("fixture without a floor");
    // the probe's rate, when the file has it (older files probed at 300/s and did not say)
    floor.ratePerSec = 1_000;
    expect(describeInstrumentFloor(repeated)).toContain(
      "(publisher issue lag p99 35.0 µs at 1,000 publishes/s)",
    );
    delete floor.ratePerSec;
    floor.machineJitter = {
      probeMs: 300,
      gapThresholdUs: 50,
      gapsPerSec: 430,
      lostShare: 0.035,
      maxGapUs: 1_984,
    };
    expect(describeInstrumentFloor(repeated)).toMatch(
      /\(publisher issue lag p99 35\.0 µs\); the machine took 3\.5 % of a busy loop's time in 430 gaps\/s over 50\.0 µs \(longest 1\.98 ms\), what a loop that never yields loses; latency/,
    );
    const sampled = createRepeatedFixture({ repeat: 3, seed: 1, sampling: true });
    expect(describeRepetitions(sampled)).toMatch(
      /^repetitions until confident: 3 to 10 per scenario step x strategy/,
    );
    // the default suite: some scenarios repeated by default, the rest once (method.repeat null)
    const mixed = createRepeatedFixture({ repeat: 3, seed: 1 });
    mixed.runs = mixed.runs.filter(
      (r) => ["steady", "burst"].includes(r.scenario) || r.repetition === 1,
    );
    mixed.method.repeat = null;
    expect(describeRepetitions(resummarize(mixed))).toMatch(
      /^1-3 repetitions per scenario step x strategy \(each scenario's own default\), interleaved/,
    );
    const mixedDiffs = buildStrategyDiffs(mixed);
    expect(mixedDiffs.find((d) => d.scenario === "steady")?.family).toBeGreaterThan(0);
    expect(mixedDiffs.find((d) => d.scenario === "idle")?.pairs.every((p) => p.singleRuns)).toBe(
      true,
    );
    const ramp = groupByScenario(sampled).find((g) => g.scenario === "ramp");
    if (ramp === undefined) throw new Error("no ramp");
    expect(describeScenarioMethod(sampled, ramp)).toMatch(
      /sampling: 100 clients 3 runs \((resolved|max runs reached)\), 1000 clients 3 runs/,
    );
  });
});
