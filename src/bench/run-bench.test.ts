/**
 * The bench loop with its runs replaced: runOne returns injected results (the bench still
 * starts its real managed Redis), so the order of runs, the repetition bookkeeping and the --until-confident loop (what
 * ended each step, what the results record) are tested without starting anything.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseBenchOptions } from "../cli/bench-options.ts";
import type { RunResult } from "../model/results.ts";
import type { StrategyId } from "../model/strategies.ts";
import type { PlannedRun } from "../plan/resolve-runs.ts";
import { validateResults } from "../results/validate-results.ts";
import type { Progress, ProgressState } from "../util/progress.ts";
import { driverWorkerNotes, planBench, runBench } from "./run-bench.ts";
import { fakeRun } from "./test-support/fake-run.ts";

/** p50 (ms) of the n-th run of a strategy (1-based), set per test. */
let p50Of: (strategy: StrategyId, repetition: number) => number = () => 2;
/** Simulated wall time, ms: each run takes RUN_MS of it. */
let clockMs = 0;
const RUN_MS = 100_000;
const plannedSeen: PlannedRun[] = [];

vi.mock("../run/run-one.ts", () => ({
  runOne: async ({
    planned,
    onProgress,
  }: {
    planned: PlannedRun;
    onProgress: (update: Pick<ProgressState, "phase" | "connected" | "delivered">) => void;
  }): Promise<RunResult> => {
    plannedSeen.push(planned);
    onProgress({ phase: "measuring", connected: 20, delivered: 0 });
    clockMs += RUN_MS;
    // repetition is left at 1 on purpose: the bench, not runOne, stamps it.
    return fakeRun({
      strategy: planned.strategy,
      scenario: planned.scenario,
      step: planned.step,
      p50Ms: p50Of(planned.strategy, planned.repetition),
    });
  },
}));

// Simulated time (performance.now is frozen between runs) would stall a real floor
// measurement; it has its own test against Redis (src/driver/instrument-floor.test.ts).
vi.mock("../driver/instrument-floor.ts", () => ({
  measureInstrumentFloor: async () => ({
    samples: 300,
    p50Us: 180,
    p99Us: 420,
    maxUs: 900,
    issueLagP99Us: 60,
  }),
}));

// The machine-jitter probe spins on performance.now, which this file freezes.
vi.mock("../metrics/machine-jitter.ts", () => ({
  measureMachineJitter: () => ({
    probeMs: 300,
    gapThresholdUs: 50,
    gapsPerSec: 200,
    lostShare: 0.02,
    maxGapUs: 700,
  }),
}));

function recordingProgress(): Progress & { lines: string[]; states: ProgressState[] } {
  const lines: string[] = [];
  const states: ProgressState[] = [];
  return {
    lines,
    states,
    update: (state) => {
      states.push(state);
    },
    log: (line) => {
      lines.push(line);
    },
    done: () => {},
  };
}

let outDir: string;
beforeEach(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), "pvp-run-bench-"));
  plannedSeen.length = 0;
  clockMs = 0;
  vi.spyOn(performance, "now").mockImplementation(() => clockMs);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(outDir, { recursive: true, force: true });
});

async function bench(flags: string[]) {
  const argv = ["--scenario", "steady", "--strategies", "sse,long-polling", "--quick", ...flags];
  const options = parseBenchOptions([...argv, "--out", outDir]);
  const progress = recordingProgress();
  const outcome = await runBench(options, argv, progress, new AbortController().signal);
  const onDisk = validateResults(JSON.parse(await readFile(outcome.resultsPath, "utf8")));
  return { ...outcome, onDisk, progress };
}

const order = (runs: readonly RunResult[]): string[] =>
  runs.map((r) => `${r.strategy} ${r.repetition}`);

describe("runBench with --repeat", () => {
  it("runs and records every repetition, interleaved, with summaries and method.repeat", async () => {
    p50Of = (strategy, rep) => (strategy === "sse" ? 2 : 3) * (1 + rep / 100);
    const { onDisk, progress } = await bench(["--repeat", "2"]);
    expect(order(onDisk.runs)).toEqual(["sse 1", "long-polling 1", "sse 2", "long-polling 2"]);
    expect(onDisk.method.repeat).toBe(2);
    expect(onDisk.method.sampling).toBeNull();
    expect(onDisk.method.instrumentFloor).toMatchObject({ samples: 300, p50Us: 180 });
    expect(onDisk.summaries.map((s) => [s.strategy, s.validRuns])).toEqual([
      ["sse", 2],
      ["long-polling", 2],
    ]);
    expect(onDisk.summaries[0]?.figures.latencyP50Ms?.values).toEqual([2.02, 2.04]);
    expect(progress.lines[0]).toMatch(/^push-vs-poll: 4 runs \(2 x 2 repetitions\) /);
    const measuring = progress.states.map(
      (s) => `${s.runIndex}/${s.runCount} ${s.strategy} ${s.repetition}/${s.repetitions}`,
    );
    expect(measuring).toContain("3/4 sse 2/2");
  });
});

describe("runBench with --until-confident", () => {
  it("stops a step once its differences are resolved, and records why", async () => {
    // sse clearly faster than long polling: resolved after the first three rounds.
    p50Of = (strategy, rep) => (strategy === "sse" ? 2 : 3) + ((rep % 3) - 1) * 0.05;
    const { onDisk, progress } = await bench(["--until-confident"]);
    expect(order(onDisk.runs)).toEqual([
      "sse 1",
      "long-polling 1",
      "sse 2",
      "long-polling 2",
      "sse 3",
      "long-polling 3",
    ]);
    expect(onDisk.method.repeat).toBe(3);
    expect(onDisk.method.sampling).toEqual({
      mode: "until-confident",
      horizon: 0.05,
      budgetMs: 20 * 60_000,
      minRuns: 3,
      maxRuns: 10,
      groups: [{ scenario: "steady", step: null, repetitions: 3, endedBy: "resolved" }],
    });
    expect(progress.lines).toContain("steady: resolved after 3 repetitions (2 differences)");
    expect(progress.states.at(-1)).toMatchObject({ maxRepetitions: 10, moreRunsMayFollow: true });
  });

  it("adds interleaved repetitions while unresolved, up to --max-repeat", async () => {
    // About 2 % apart with 5 % noise: never clear of ±5 %, never inside it.
    p50Of = (strategy, rep) => (strategy === "sse" ? 2 : 2.04) * (rep % 2 === 0 ? 1.05 : 0.95);
    const { onDisk, progress } = await bench(["--until-confident", "--max-repeat", "5"]);
    expect(order(onDisk.runs)).toEqual(
      [1, 2, 3, 4, 5].flatMap((rep) => [`sse ${rep}`, `long-polling ${rep}`]),
    );
    expect(onDisk.method.sampling?.groups).toEqual([
      { scenario: "steady", step: null, repetitions: 5, endedBy: "max-runs" },
    ]);
    expect(progress.lines.join("\n")).toMatch(
      /^steady: stopped at --max-repeat after 5 repetitions, 1 of 2 differences unresolved: p50 sse vs long-polling /m,
    );
    // Added rounds grow the run count shown.
    expect(progress.states.at(-1)).toMatchObject({ runIndex: 10, runCount: 10 });
    expect(plannedSeen.at(-1)).toMatchObject({ strategy: "long-polling", repetition: 5 });
  });

  it("stops before a round that would end past the time budget", async () => {
    p50Of = (strategy, rep) => (strategy === "sse" ? 2 : 2.04) * (rep % 2 === 0 ? 1.05 : 0.95);
    // Each run takes 100 s, a round 200 s: after 5 rounds (1000 s) a sixth would end at 1200 s.
    const { onDisk } = await bench(["--until-confident", "--time-budget", "1150s"]);
    expect(onDisk.method.sampling?.groups).toEqual([
      { scenario: "steady", step: null, repetitions: 5, endedBy: "time-budget" },
    ]);
    expect(onDisk.runs).toHaveLength(10);
  });
});

describe("planBench with --driver-workers", () => {
  it("says which runs keep their clients in process, and which have fewer users than workers", () => {
    const options = parseBenchOptions([
      "--scenario",
      "server-restart,steady",
      "--quick",
      "--clients",
      "8",
      "--driver-workers",
      "16",
    ]);
    const notes = driverWorkerNotes(planBench(options).runs, options.driverWorkers);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(
      /^--driver-workers 16: \d+ fault runs? keeps? (its|their) clients in the bench process/,
    );
    expect(notes[1]).toMatch(
      /fewer users than workers \(as few as \d+\); they use one worker per user\.$/,
    );
    expect(driverWorkerNotes(planBench(options).runs, 0)).toEqual([]);
  });
});
