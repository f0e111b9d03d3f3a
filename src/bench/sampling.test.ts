import { describe, expect, it } from "vitest";
import { getScenario } from "../../scenarios/index.ts";
import type { RunResult } from "../model/results.ts";
import type { StrategyId } from "../model/strategies.ts";
import { resolveRuns } from "../plan/resolve-runs.ts";
import { formatProgressLine, type ProgressState } from "../util/progress.ts";
import {
  decideStep,
  describeSampling,
  endedByOf,
  formatStepOutcome,
  nextRound,
  type StepSamplingInput,
  stepBudgetMs,
  stepComparisons,
  stepName,
  stepsOf,
  strategiesOf,
  valuesOf,
} from "./sampling.ts";
import { type FakeRunSpec, fakeRun } from "./test-support/fake-run.ts";

/** Interleaved rounds: `p50s[strategy][i]` is repetition i+1's p50 (ms). */
function rounds(
  p50s: Partial<Record<StrategyId, (number | null)[]>>,
  extra: Omit<FakeRunSpec, "strategy" | "repetition" | "p50Ms"> = {},
): RunResult[] {
  const strategies = Object.keys(p50s) as StrategyId[];
  const count = Math.max(...strategies.map((s) => p50s[s]?.length ?? 0));
  const runs: RunResult[] = [];
  for (let i = 0; i < count; i++) {
    for (const strategy of strategies) {
      const p50Ms = p50s[strategy]?.[i];
      if (p50Ms === undefined) continue;
      runs.push(fakeRun({ ...extra, strategy, repetition: i + 1, p50Ms }));
    }
  }
  return runs;
}

const P50_ONLY = ["latencyP50Ms"] as const;

function input(runs: RunResult[], overrides: Partial<StepSamplingInput> = {}): StepSamplingInput {
  return {
    runs,
    strategies: ["sse", "long-polling"],
    figures: P50_ONLY,
    horizon: 0.05,
    repetitionsDone: Math.max(0, ...runs.map((r) => r.repetition)),
    minRepetitions: 3,
    maxRepetitions: 10,
    elapsedMs: 10_000,
    nextRoundMs: 5_000,
    budgetMs: 600_000,
    ...overrides,
  };
}

describe("stepComparisons", () => {
  it("compares every pair of strategies, in plan order, on every chosen figure", () => {
    const runs = rounds({
      "short-polling": [500, 510, 490],
      "long-polling": [3, 3.1, 2.9],
      sse: [2, 2.1, 1.9],
    });
    const comparisons = stepComparisons(
      runs,
      ["short-polling", "long-polling", "sse"],
      ["latencyP50Ms", "requestsPerDelivered"],
      0.05,
    );
    expect(comparisons.map((c) => `${c.figure} ${c.a}/${c.b}`)).toEqual([
      "latencyP50Ms short-polling/long-polling",
      "latencyP50Ms short-polling/sse",
      "latencyP50Ms long-polling/sse",
      "requestsPerDelivered short-polling/long-polling",
      "requestsPerDelivered short-polling/sse",
      "requestsPerDelivered long-polling/sse",
    ]);
    const [first] = comparisons;
    // short polling is ~165x long polling's p50: far outside ±5 %, resolved.
    expect(first?.diff.scale).toBe("log");
    expect(first?.diff.estimate).toBeGreaterThan(100);
    expect(first?.resolved).toBe(true);
    // Identical requests per delivered everywhere: the interval is [0, 0], inside ±5 %.
    expect(comparisons.at(-1)?.resolved).toBe(true);
  });

  it("uses valid runs only, and skips a figure a side has no value of", () => {
    const runs = [
      ...rounds({ sse: [2, 2, 2], "long-polling": [3, 3, 3] }),
      fakeRun({ strategy: "sse", repetition: 4, p50Ms: 900, valid: false }),
    ];
    expect(valuesOf(runs, "sse", "latencyP50Ms")).toEqual([2, 2, 2]);
    const idle = rounds({ sse: [null, null, null], "long-polling": [null, null, null] });
    expect(stepComparisons(idle, ["sse", "long-polling"], P50_ONLY, 0.05)).toEqual([]);
    const oneSided = rounds({ sse: [2, 2, 2], "long-polling": [null, null, null] });
    expect(stepComparisons(oneSided, ["sse", "long-polling"], P50_ONLY, 0.05)).toEqual([]);
  });

  it("values come in repetition order whatever the order of the runs", () => {
    const runs = rounds({ sse: [1, 2, 3] }).reverse();
    expect(valuesOf(runs, "sse", "latencyP50Ms")).toEqual([1, 2, 3]);
  });

  it("a side with one valid value has no interval yet: unresolved", () => {
    const runs = [
      ...rounds({ sse: [2, 2.1, 1.9], "long-polling": [5, 5, 5] }).filter(
        (r) => r.strategy === "sse" || r.repetition === 1,
      ),
    ];
    const [comparison] = stepComparisons(runs, ["sse", "long-polling"], P50_ONLY, 0.05);
    expect(comparison?.diff.lo).toBeNull();
    expect(comparison?.resolved).toBe(false);
  });
});

describe("decideStep", () => {
  it("clear differences after the minimum: stop, resolved", () => {
    const decision = decideStep(
      input(rounds({ sse: [2, 2.1, 1.9], "long-polling": [3, 3.1, 2.9] })),
    );
    expect(decision).toMatchObject({ more: false, reason: "resolved", unresolved: [] });
    expect(decision.comparisons).toHaveLength(1);
  });

  it("never stops before the minimum, even when resolved", () => {
    const decision = decideStep(
      input(rounds({ sse: [2, 2.1], "long-polling": [3, 3.1] }), { minRepetitions: 3 }),
    );
    expect(decision).toMatchObject({ more: true, reason: "continue" });
  });

  it("an interval straddling the horizon: one more round", () => {
    // ~4 % apart with a few % of noise: neither clear of ±5 % nor inside it.
    const runs = rounds({ sse: [2.0, 2.1, 1.9], "long-polling": [2.08, 1.98, 2.18] });
    const decision = decideStep(input(runs));
    expect(decision.more).toBe(true);
    expect(decision.reason).toBe("continue");
    expect(decision.unresolved).toHaveLength(1);
  });

  it("a difference inside ±H is resolved too (the strategies are alike on it)", () => {
    const runs = rounds({
      sse: [2.0, 2.01, 1.99, 2.0],
      "long-polling": [2.01, 2.0, 2.0, 1.99],
    });
    expect(decideStep(input(runs))).toMatchObject({ more: false, reason: "resolved" });
  });

  it("stops at --max-repeat, unresolved", () => {
    const runs = rounds({ sse: [2.0, 2.1, 1.9, 2.05], "long-polling": [2.08, 1.98, 2.18, 2.1] });
    expect(decideStep(input(runs, { maxRepetitions: 4 }))).toMatchObject({
      more: false,
      reason: "max-runs",
    });
  });

  it("stops when the next round would end past the step's budget, not after", () => {
    const runs = rounds({ sse: [2.0, 2.1, 1.9], "long-polling": [2.08, 1.98, 2.18] });
    const at = (elapsedMs: number) =>
      decideStep(input(runs, { elapsedMs, nextRoundMs: 5_000, budgetMs: 60_000 })).reason;
    expect(at(50_000)).toBe("continue");
    expect(at(55_000)).toBe("time-budget");
  });

  it("the time budget never cuts the minimum rounds short", () => {
    const runs = rounds({ sse: [2.0, 2.1], "long-polling": [2.08, 1.98] });
    expect(decideStep(input(runs, { elapsedMs: 999_000, budgetMs: 1_000 })).more).toBe(true);
  });

  it("nothing to compare (idle, one strategy): resolved at the minimum", () => {
    const idle = rounds({ sse: [null, null, null], "long-polling": [null, null, null] });
    expect(decideStep(input(idle))).toMatchObject({ more: false, reason: "resolved" });
    const one = rounds({ "short-polling": [400, 500, 600] });
    expect(decideStep(input(one, { strategies: ["short-polling"] }))).toMatchObject({
      more: false,
      comparisons: [],
    });
  });

  it("every chosen figure must be resolved", () => {
    // p50 clearly apart, requests per delivered close and noisy.
    const runs = [
      fakeRun({ strategy: "sse", repetition: 1, p50Ms: 2, requestsPerDelivered: 1.0 }),
      fakeRun({ strategy: "long-polling", repetition: 1, p50Ms: 3, requestsPerDelivered: 1.04 }),
      fakeRun({ strategy: "sse", repetition: 2, p50Ms: 2.1, requestsPerDelivered: 1.1 }),
      fakeRun({ strategy: "long-polling", repetition: 2, p50Ms: 3.1, requestsPerDelivered: 1.0 }),
      fakeRun({ strategy: "sse", repetition: 3, p50Ms: 1.9, requestsPerDelivered: 0.95 }),
      fakeRun({ strategy: "long-polling", repetition: 3, p50Ms: 2.9, requestsPerDelivered: 1.12 }),
    ];
    expect(decideStep(input(runs)).more).toBe(false);
    const both = decideStep(input(runs, { figures: ["latencyP50Ms", "requestsPerDelivered"] }));
    expect(both.more).toBe(true);
    expect(both.unresolved.map((c) => c.figure)).toEqual(["requestsPerDelivered"]);
  });
});

describe("stepBudgetMs", () => {
  it("reserves every later step's first rounds, then splits the slack by round cost", () => {
    // 100 s left; first rounds 30 + 30 + 15 = 75 s reserved; slack 25 s split 10:10:5.
    const steps = [
      { minRoundsMs: 30_000, roundMs: 10_000 },
      { minRoundsMs: 30_000, roundMs: 10_000 },
      { minRoundsMs: 15_000, roundMs: 5_000 },
    ];
    expect(stepBudgetMs(100_000, steps)).toBe(30_000 + 10_000);
    expect(stepBudgetMs(100_000, steps.slice(2))).toBe(100_000);
  });

  it("never less than the step's own first rounds, even past the budget", () => {
    expect(stepBudgetMs(0, [{ minRoundsMs: 30_000, roundMs: 10_000 }])).toBe(30_000);
    expect(stepBudgetMs(-5_000, [{ minRoundsMs: 30_000, roundMs: 10_000 }])).toBe(30_000);
    expect(stepBudgetMs(10_000, [])).toBe(0);
  });
});

describe("formatStepOutcome", () => {
  it("resolved, budget, max-repeat and nothing to compare, one line each", () => {
    const clear = decideStep(input(rounds({ sse: [2, 2.1, 1.9], "long-polling": [3, 3.1, 2.9] })));
    expect(formatStepOutcome("steady", 3, clear)).toBe(
      "steady: resolved after 3 repetitions (1 difference)",
    );
    const close = decideStep(
      input(rounds({ sse: [2.0, 2.1, 1.9, 2.0], "long-polling": [2.08, 1.98, 2.18, 2.1] }), {
        budgetMs: 1,
      }),
    );
    const line = formatStepOutcome("rate-sweep [1/s]", 4, close);
    expect(line).toMatch(
      /^rate-sweep \[1\/s\]: stopped by the time budget after 4 repetitions, 1 of 1 difference unresolved: p50 sse vs long-polling -?\d+\.\d % \[-\d+\.\d %, \+\d+\.\d %\]$/,
    );
    expect(line).not.toMatch(/\n/);
    const capped = { ...close, reason: "max-runs" as const };
    expect(formatStepOutcome("steady", 10, capped)).toMatch(
      /^steady: stopped at --max-repeat after 10 repetitions, 1 of 1 difference unresolved: /,
    );
    expect(
      formatStepOutcome("idle", 3, { reason: "resolved", comparisons: [], unresolved: [] }),
    ).toBe(
      "idle: nothing to compare (one strategy, or no values of the chosen figures); 3 repetitions",
    );
  });

  it("endedByOf maps the stop reason onto the results' vocabulary", () => {
    expect(endedByOf("resolved")).toBe("resolved");
    expect(endedByOf("time-budget")).toBe("time-budget");
    expect(endedByOf("max-runs")).toBe("max-runs");
  });
});

describe("the plan, step by step", () => {
  const plan = resolveRuns([getScenario("steady"), getScenario("rate-sweep")], {
    quick: false,
    strategies: ["sse", "long-polling"],
    repeat: 3,
  });

  it("stepsOf cuts the plan into scenario steps, keeping every repetition", () => {
    const steps = stepsOf(plan);
    expect(steps.map(stepName)).toEqual([
      "steady",
      "rate-sweep [0.01/s]",
      "rate-sweep [0.1/s]",
      "rate-sweep [1/s]",
      "rate-sweep [10/s]",
    ]);
    expect(steps.every((step) => step.runs.length === 6)).toBe(true);
    expect(strategiesOf(steps[0] ?? { scenario: "", step: null, runs: [] })).toEqual([
      "sse",
      "long-polling",
    ]);
  });

  it("nextRound: one more interleaved repetition of every strategy, as copies", () => {
    const [steady] = stepsOf(plan);
    if (!steady) throw new Error("no step");
    const round = nextRound(steady, 4);
    expect(round.map((r) => `${r.strategy} ${r.repetition}/${r.repetitions}`)).toEqual([
      "sse 4/4",
      "long-polling 4/4",
    ]);
    expect(round[0]?.params).toEqual(steady.runs[0]?.params);
    (round[0] as { params: { clients: number } }).params.clients = 1;
    expect(steady.runs[0]?.params.clients).toBe(1_000);
  });

  it("describeSampling says what may follow", () => {
    expect(
      describeSampling(
        {
          horizon: 0.05,
          budgetMs: 20 * 60_000,
          minRepeat: 3,
          maxRepeat: 10,
          figures: ["latencyP50Ms", "requestsPerDelivered"],
        },
        3,
      ),
    ).toBe(
      "until confident (±5 % on p50, requests): each step runs 3 repetitions first; more (up to 10 per step) may follow while a difference between strategies is unresolved, within a 20 min time budget",
    );
  });
});

describe("progress lines name the repetition", () => {
  const state: ProgressState = {
    runIndex: 4,
    runCount: 6,
    scenario: "steady",
    stepLabel: null,
    strategy: "long-polling",
    repetition: 2,
    repetitions: 3,
    phase: "measuring",
    connected: 20,
    clients: 20,
    delivered: 7,
    elapsedMs: 61_000,
    remainingMs: 30_000,
  };

  it("rep 2/3 with --repeat, nothing for a single run", () => {
    expect(formatProgressLine(state)).toBe(
      "[4/6] steady long-polling rep 2/3: measuring | clients 20/20 | delivered 7 | 1:01 elapsed, ~0:30 left",
    );
    expect(formatProgressLine({ ...state, repetition: 1, repetitions: 1 })).toMatch(
      /^\[4\/6\] steady long-polling: measuring \|/,
    );
  });

  it("against the cap, and the run count as a lower bound, with --until-confident", () => {
    expect(
      formatProgressLine({ ...state, repetition: 4, maxRepetitions: 10, moreRunsMayFollow: true }),
    ).toMatch(/^\[4\/6\+\] steady long-polling rep 4\/≤10: measuring \|/);
  });
});
