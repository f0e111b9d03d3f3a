/**
 * Test helper: a realistic BenchResults for every scenario (steady, burst, idle, ramp, rate-sweep,
 * interval-sweep) and strategy, with latency recorded into real HDR histograms. The numbers follow
 * simple models of each strategy (short polling waits ~interval/2, long polling and SSE one RTT), so
 * charts look like real ones. Deterministic: a seeded PRNG, no clock.
 * createFixtureRun (~130 lines) is long on purpose: it derives one run's numbers from those
 * models and returns them as one object literal that reads like a run of results.json; split
 * into helpers, one run would be scattered over them.
 */

import { build, encodeIntoCompressedBase64 } from "hdr-histogram-js";
import { createRng } from "../../driver/publish-schedule.ts";
import type { BenchResults, ResolvedParams, RunResult } from "../../model/results.ts";
import type { StrategyId } from "../../model/strategies.ts";
import { summarizeRuns } from "../../results/summarize-runs.ts";
import { fixtureEnergy } from "./fixture-energy.ts";

/** Seeded PRNG (the driver's mulberry32) so fixtures are byte-identical between test runs. */
export const createRandom: (seed: number) => () => number = createRng;

export const FIXTURE_BASE_PARAMS: ResolvedParams = {
  clients: 1000,
  ratePerSec: 0.2,
  publishModel: "poisson",
  fanout: "per-user",
  shortPollIntervalMs: 1000,
  jitterRatio: 0.1,
  longPollHoldMs: 30_000,
  rampMs: 5000,
  warmupMs: 5000,
  durationMs: 30_000,
  drainMs: 5000,
  payloadBytes: 256,
  instances: 1,
};

export interface FixtureRunSpec {
  scenario: string;
  step: RunResult["step"];
  strategy: StrategyId;
  params: ResolvedParams;
}

/**
 * Run-to-run noise of one repetition: multipliers (1 = none) on what a real rerun moves. Absent
 * for the single-run fixture, which then stays byte-identical to what it always was.
 */
export interface RunNoise {
  latency: number;
  requests: number;
  bytes: number;
  cpu: number;
  rss: number;
}

const NO_NOISE: RunNoise = { latency: 1, requests: 1, bytes: 1, cpu: 1, rss: 1 };

/** Latency samples (µs) for one run: short polling ~U(0, interval) + RTT; push ~RTT with a tail. */
function sampleLatencyUs(spec: FixtureRunSpec, random: () => number, count: number): number[] {
  const rttUs = 800 + spec.params.clients * 0.4; // a busier server answers a little slower
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const tail = random() < 0.01 ? 20 * rttUs * random() : 0;
    const jitter = rttUs * (0.5 + random());
    const wait =
      spec.strategy === "short-polling" ? random() * spec.params.shortPollIntervalMs * 1000 : 0;
    const extra = spec.strategy === "long-polling" ? rttUs * 0.6 : 0; // re-issue after each answer
    samples.push(Math.max(1, Math.round(wait + jitter + extra + tail)));
  }
  return samples;
}

/** One sunny-day run following the strategy models above (`fault: null`). */
export function createFixtureRun(
  spec: FixtureRunSpec,
  random: () => number,
  noise: RunNoise = NO_NOISE,
): RunResult {
  const { params, strategy } = spec;
  const windowMin = params.durationMs / 60_000;
  const publishedPerUser = (params.ratePerSec * (params.warmupMs + params.durationMs)) / 1000;
  const published = Math.round(publishedPerUser * params.clients);
  const deliveredInWindow = Math.round(
    ((params.ratePerSec * params.durationMs) / 1000) * params.clients,
  );
  const perClientRpm =
    (strategy === "short-polling"
      ? 60_000 / (params.shortPollIntervalMs + 2)
      : strategy === "long-polling"
        ? Math.min(params.ratePerSec * 60, 60 * 50) + 60_000 / params.longPollHoldMs
        : 1 / Math.max(windowMin, 1)) * noise.requests; // SSE: one stream per client for the whole run
  const requests = Math.round(perClientRpm * windowMin * params.clients);
  const headerBytes = 230;
  const bytesReceived = Math.round(
    (requests * (strategy === "sse" ? 180 : 210) +
      deliveredInWindow * (params.payloadBytes + 120)) *
      noise.bytes,
  );
  const bytesSent = Math.round(requests * headerBytes * noise.bytes);

  const histogram = build({ numberOfSignificantValueDigits: 3 });
  const sampleCount = deliveredInWindow === 0 ? 0 : Math.min(2000, deliveredInWindow);
  for (const us of sampleLatencyUs(spec, random, sampleCount)) {
    histogram.recordValue(noise.latency === 1 ? us : Math.max(1, Math.round(us * noise.latency)));
  }
  const has = histogram.totalCount > 0;
  const at = (p: number) => (has ? histogram.getValueAtPercentile(p) : null);

  const cpuSeconds =
    (requests * 60e-6 + deliveredInWindow * 25e-6) * (0.9 + random() * 0.2) * noise.cpu;
  const perConnBytes =
    (strategy === "sse" ? 9_000 : strategy === "long-polling" ? 12_000 : 3_000 + random() * 500) *
    noise.rss;
  const driverUtilization = Math.min(1, 0.05 + requests / 350_000);
  const valid = driverUtilization < 0.9;
  const lost = spec.scenario === "burst" && strategy === "long-polling" ? 2 : 0;
  return {
    scenario: spec.scenario,
    step: spec.step,
    strategy,
    repetition: 1,
    publisher: null,
    energy: fixtureEnergy(strategy, params, deliveredInWindow),
    params,
    valid,
    invalidReasons: valid
      ? []
      : [
          `driver CPU at ${Math.round(driverUtilization * 100)} % of one core: the driver, not the server, was the bottleneck`,
        ],
    warnings:
      strategy === "short-polling" && params.clients >= 4000
        ? ["server event-loop delay p99 above 100 ms: <queueing> dominates latency"]
        : [],
    timing: {
      startedAt: "2025-11-20T10:00:00.000Z",
      measuredMs: params.durationMs,
      drainedMs: 120,
    },
    delivery: {
      published,
      expected: published,
      delivered: published - lost,
      lost,
      duplicates: strategy === "sse" && spec.scenario === "burst" ? 1 : 0,
      skippedByReset: 0,
      reordered: 0,
      deliveredInWindow,
    },
    latency: {
      count: has ? deliveredInWindow : 0,
      minUs: has ? histogram.minNonZeroValue : null,
      meanUs: has ? Math.round(histogram.mean) : null,
      p50Us: at(50),
      p90Us: at(90),
      p99Us: at(99),
      p999Us: at(99.9),
      maxUs: has ? histogram.maxValue : null,
      histogram: encodeIntoCompressedBase64(histogram),
    },
    http: {
      requests,
      emptyResponses: Math.max(0, requests - deliveredInWindow),
      errors: 0,
      connectionsOpened:
        strategy === "short-polling" ? Math.ceil(params.clients / 10) : params.clients,
      bytesSent,
      bytesReceived,
      reconnects: 0,
      resets: 0,
      requestsPerClientMinute: perClientRpm,
      errorsByReason: {},
      backoffs: 0,
      reconnectBackoffMaxMs: 0,
    },
    perDelivered:
      deliveredInWindow === 0
        ? { requests: null, bytes: null }
        : {
            requests: requests / deliveredInWindow,
            bytes: (bytesSent + bytesReceived) / deliveredInWindow,
          },
    server: {
      cpuSeconds,
      cpuUtilization: cpuSeconds / (params.durationMs / 1000),
      cpuMsPer1000Deliveries:
        deliveredInWindow === 0 ? null : (cpuSeconds * 1000 * 1000) / deliveredInWindow,
      peakRssBytes: 80e6 + perConnBytes * params.clients,
      meanRssBytes: 75e6 + perConnBytes * params.clients,
      rssPerConnectionBytes: perConnBytes,
      openConnections: params.clients,
      openFds: params.clients + 20,
      eventLoopDelayP99Ms: 10 + random() * 5,
      instances: [
        {
          cpuSeconds,
          peakRssBytes: 80e6 + perConnBytes * params.clients,
          maxOpenSockets: params.clients + 2,
        },
      ],
    },
    redis: {
      commands: requests + published,
      cpuSeconds: cpuSeconds / 4,
      usedMemoryBytes: 4e6,
      connectedClients: 3,
    },
    driver: {
      cpuSeconds: driverUtilization * (params.durationMs / 1000),
      cpuUtilization: driverUtilization,
      eventLoopDelayP99Ms: 12,
      rssBytes: 150e6,
      rssPerClientBytes: 4000,
    },
    fault: null,
  };
}

export const ALL_STRATEGIES: readonly StrategyId[] = ["short-polling", "long-polling", "sse"];
const ALL = ALL_STRATEGIES;

/** The scenarios of the fixture, with their steps (null for single runs). */
export const FIXTURE_SCENARIOS: {
  scenario: string;
  params: Partial<ResolvedParams>;
  strategies: readonly StrategyId[];
  steps: { parameter: keyof ResolvedParams; label: string; value: number }[] | null;
}[] = [
  { scenario: "steady", params: {}, strategies: ALL, steps: null },
  {
    scenario: "burst",
    params: { fanout: "all-users", ratePerSec: 0.5 },
    strategies: ALL,
    steps: null,
  },
  { scenario: "idle", params: { ratePerSec: 0 }, strategies: ALL, steps: null },
  {
    scenario: "ramp",
    params: {},
    strategies: ALL,
    steps: [100, 1000, 4000, 10_000].map((value) => ({
      parameter: "clients",
      label: `${value} clients`,
      value,
    })),
  },
  {
    scenario: "rate-sweep",
    params: { clients: 200 },
    strategies: ALL,
    steps: [0.01, 0.1, 1, 10].map((value) => ({
      parameter: "ratePerSec",
      label: `${value}/s`,
      value,
    })),
  },
  {
    scenario: "interval-sweep",
    params: { clients: 500 },
    strategies: ["short-polling"],
    steps: [250, 1000, 5000, 10_000].map((value) => ({
      parameter: "shortPollIntervalMs",
      label: `${value} ms`,
      value,
    })),
  },
];

/** Builds the fixture: 37 runs over six scenarios, every run with an encoded HDR histogram. */
export function createFixtureResults(): BenchResults {
  const random = createRandom(42);
  const runs: RunResult[] = [];
  for (const s of FIXTURE_SCENARIOS) {
    for (const step of s.steps ?? [null]) {
      for (const strategy of s.strategies) {
        const params = {
          ...FIXTURE_BASE_PARAMS,
          ...s.params,
          ...(step ? { [step.parameter]: step.value } : {}),
        };
        runs.push(createFixtureRun({ scenario: s.scenario, step, strategy, params }, random));
      }
    }
  }
  return fixtureResults(runs);
}

/** The results file around `runs`: the fixture's machine and method, summaries folded from the runs. */
export function fixtureResults(runs: RunResult[]): BenchResults {
  return {
    schemaVersion: 4,
    tool: { name: "push-vs-poll", version: "0.1.0" },
    createdAt: "2025-11-20T10:00:00.000Z",
    environment: {
      nodeVersion: "v20.19.0",
      os: "Linux 6.1.0-18-amd64",
      arch: "x64",
      cpuModel: "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz",
      cpuCount: 8,
      totalMemoryBytes: 16 * 1024 ** 3,
      redisVersion: "7.0.15",
      gitSha: "0123456789abcdef0123456789abcdef01234567",
    },
    method: {
      source: "bench",
      tool: "push-vs-poll driver (node:http clients, in-process publisher)",
      quick: false,
      argv: ["--scenario", "all"],
      scenarios: FIXTURE_SCENARIOS.map((s) => s.scenario),
      strategies: [...ALL],
      redis: "managed",
      target: null,
      repeat: 1,
      sampling: null,
      instrumentFloor: null,
    },
    runs,
    capacity: [],
    failedRuns: [],
    summaries: summarizeRuns(runs),
  };
}
