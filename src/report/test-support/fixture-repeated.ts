/**
 * Test helper: the fixture's scenarios (and, on request, its fault runs) with every scenario step
 * x strategy repeated, as `npm run bench -- --repeat N` writes them: repetitions interleaved
 * (scenario -> step -> repetition -> strategy), each with seeded run-to-run noise on latency,
 * requests, bytes, CPU, RSS and recovery times, summaries folded by summarizeRuns. Two fixtures
 * with the same options and different seeds are draws from one distribution: what two runs of
 * the same commit look like. One repetition is invalid (steady, long-polling, run 2, when
 * repeat >= 2), so "2 of 3 valid" is always exercised. Deterministic: a seeded PRNG, no clock.
 */
import type {
  BenchResults,
  InstrumentFloor,
  RunResult,
  SamplingInfo,
} from "../../model/results.ts";
import { summarizeRuns } from "../../results/summarize-runs.ts";
import {
  createFixtureRun,
  createRandom,
  FIXTURE_BASE_PARAMS,
  FIXTURE_SCENARIOS,
  fixtureResults,
  type RunNoise,
} from "./fixture.ts";
import { createFaultRun, FAULT_FIXTURE_SPECS, STRATEGY_ORDER } from "./fixture-faults.ts";

export interface RepeatedFixtureOptions {
  /** Repetitions per scenario step x strategy (>= 1). */
  repeat: number;
  seed: number;
  /** Run-to-run spread: the sd of the log of each multiplier (0.05 ~ ±5 %). Default 0.05. */
  noise?: number;
  /** Add the fault runs (six kinds x three strategies, each repeated). Default false. */
  faults?: boolean;
  /** Record an instrument floor in `method` (as the bench does). Default false. */
  instrumentFloor?: boolean;
  /** Record `--until-confident` sampling in `method`. Default false. */
  sampling?: boolean;
}

/** The reason of the fixture's one invalid repetition. */
export const INVALID_REPETITION_REASON =
  "not every client connected within the ramp plus 30 s (997 of 1000)";

export const FIXTURE_INSTRUMENT_FLOOR: InstrumentFloor = {
  samples: 300,
  p50Us: 180,
  p99Us: 420,
  maxUs: 910,
  issueLagP99Us: 35,
};

/** A standard normal draw (Box-Muller) from the seeded PRNG. */
function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Log-normal multipliers around 1 with sd `sd` on the log scale. */
function drawNoise(random: () => number, sd: number): RunNoise & { recovery: number } {
  const factor = () => Math.exp(sd * normal(random));
  return {
    latency: factor(),
    requests: factor(),
    bytes: factor(),
    cpu: factor(),
    rss: factor(),
    recovery: factor(),
  };
}

function samplingOf(runs: readonly RunResult[], repeat: number): SamplingInfo {
  const steps = new Map<string, { scenario: string; step: string | null }>();
  for (const run of runs) {
    steps.set(`${run.scenario}\u0000${run.step?.label ?? ""}`, {
      scenario: run.scenario,
      step: run.step?.label ?? null,
    });
  }
  return {
    mode: "until-confident",
    horizon: 0.05,
    budgetMs: 600_000,
    minRuns: Math.min(3, repeat),
    maxRuns: 10,
    groups: [...steps.values()].map((s, i) => ({
      ...s,
      repetitions: repeat,
      endedBy: i % 3 === 0 ? "max-runs" : "resolved",
    })),
  };
}

/** The fixture with `repeat` interleaved repetitions of every scenario step x strategy. */
export function createRepeatedFixture(options: RepeatedFixtureOptions): BenchResults {
  const { repeat, seed, noise = 0.05 } = options;
  if (!Number.isInteger(repeat) || repeat < 1)
    throw new Error(`repeat must be >= 1, got ${repeat}`);
  const random = createRandom(seed);
  const jitter = createRandom(seed * 7919 + 1);
  const runs: RunResult[] = [];
  for (const s of FIXTURE_SCENARIOS) {
    for (const step of s.steps ?? [null]) {
      for (let repetition = 1; repetition <= repeat; repetition++) {
        for (const strategy of s.strategies) {
          const params = {
            ...FIXTURE_BASE_PARAMS,
            ...s.params,
            ...(step ? { [step.parameter]: step.value } : {}),
          };
          const run = createFixtureRun(
            { scenario: s.scenario, step, strategy, params },
            random,
            drawNoise(jitter, noise),
          );
          run.repetition = repetition;
          if (s.scenario === "steady" && strategy === "long-polling" && repetition === 2) {
            run.valid = false;
            run.invalidReasons = [INVALID_REPETITION_REASON];
          }
          runs.push(run);
        }
      }
    }
  }
  const scenarios = FIXTURE_SCENARIOS.map((s) => s.scenario);
  if (options.faults) {
    for (const spec of FAULT_FIXTURE_SPECS) {
      for (let repetition = 1; repetition <= repeat; repetition++) {
        for (const strategy of STRATEGY_ORDER) {
          const run = createFaultRun(spec, strategy, random, drawNoise(jitter, noise));
          run.repetition = repetition;
          runs.push(run);
        }
      }
      scenarios.push(spec.kind);
    }
  }
  const results = fixtureResults(runs);
  results.method.scenarios = scenarios;
  results.method.repeat = repeat;
  results.method.argv = ["--scenario", "all", "--repeat", String(repeat)];
  if (options.instrumentFloor) results.method.instrumentFloor = FIXTURE_INSTRUMENT_FLOOR;
  if (options.sampling) results.method.sampling = samplingOf(runs, repeat);
  return results;
}

/** Re-folds the summaries after a test changed runs in place (the report reads the summaries). */
export function resummarize(results: BenchResults): BenchResults {
  results.summaries = summarizeRuns(results.runs);
  return results;
}
