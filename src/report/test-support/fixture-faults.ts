/**
 * Test helper: the sunny-day fixture plus one run per fault kind and strategy, with fault results
 * that follow how each strategy behaves (short polling is back one interval after a restart and
 * polls a dead server less than a live one; SSE waits for its retry hint; a trimmed history ends
 * in one reset per away client). One run (SSE after the Redis blip) does not recover, so the
 * "not recovered" path is always exercised. Deterministic: a seeded PRNG, no clock.
 * Over 300 lines because most of it is data: one spec per kind x strategy (FAULT_FIXTURE_SPECS),
 * kept in one table so a reader compares the strategies of one fault at a glance.
 */

import type { FaultKind } from "../../model/fault-kinds.ts";
import type { BenchResults, FaultResult, RunResult } from "../../model/results.ts";
import type { StrategyId } from "../../model/strategies.ts";
import {
  createFixtureResults,
  createFixtureRun,
  createRandom,
  FIXTURE_BASE_PARAMS,
  type RunNoise,
} from "./fixture.ts";

/** What differs between the strategies of one fault kind. */
type StrategyOutcome = Pick<
  FaultResult,
  "timeToBackMs" | "timeToRecoverMs" | "extraRequests" | "extraBytes" | "errors"
> &
  Partial<FaultResult> & { warnings?: string[]; reconnects?: number };

export interface FaultFixtureSpec {
  kind: FaultKind;
  action: string;
  durationMs: number;
  targetedClients: number;
  instances?: number;
  /** Shared by all strategies; per-strategy outcomes override. */
  common?: Partial<FaultResult>;
  /** The default suite's three; the opt-in websocket has no fault fixture. */
  outcomes: Partial<Record<StrategyId, StrategyOutcome>>;
}

const CLIENTS = 200;
const FAULT_START_MS = 5000;

export const FAULT_FIXTURE_SPECS: readonly FaultFixtureSpec[] = [
  {
    kind: "server-restart",
    action: "kill -9 the server, restart it on the same port 40123 as soon as it is gone",
    durationMs: 0,
    targetedClients: CLIENTS,
    outcomes: {
      // a dead server receives no polls: fewer requests than the pre-fault rate predicts
      "short-polling": {
        timeToBackMs: 1480,
        timeToRecoverMs: 1520,
        extraRequests: -180,
        extraBytes: -83_700,
        errors: 214,
      },
      "long-polling": {
        timeToBackMs: 1350,
        timeToRecoverMs: 1400,
        extraRequests: 150,
        extraBytes: 61_200,
        errors: 200,
      },
      sse: {
        timeToBackMs: 3100,
        timeToRecoverMs: 3150,
        extraRequests: 200,
        extraBytes: 148_400,
        errors: 200,
        reconnects: 200,
        warnings: ["SSE clients waited for the server's retry hint (2000 ms) before reconnecting"],
      },
    },
  },
  {
    kind: "instance-failover",
    action: "kill -9 instance 2 of 2 (port 40125); it stays dead and its clients fail over",
    durationMs: 0,
    targetedClients: CLIENTS / 2,
    instances: 2,
    common: { disruptedClients: CLIENTS / 2, reconnectedClients: CLIENTS / 2 },
    outcomes: {
      "short-polling": {
        timeToBackMs: 1100,
        timeToRecoverMs: 1150,
        extraRequests: -40,
        extraBytes: -18_600,
        errors: 104,
        othersP99BeforeUs: 512_000,
        othersP99DuringUs: 538_000,
      },
      "long-polling": {
        timeToBackMs: 900,
        timeToRecoverMs: 950,
        extraRequests: 120,
        extraBytes: 49_000,
        errors: 100,
        othersP99BeforeUs: 2_100,
        othersP99DuringUs: 3_400,
      },
      sse: {
        timeToBackMs: 2150,
        timeToRecoverMs: 2200,
        extraRequests: 100,
        extraBytes: 74_000,
        errors: 100,
        reconnects: 100,
        othersP99BeforeUs: 1_600,
        othersP99DuringUs: 2_900,
      },
    },
  },
  {
    kind: "redis-blip",
    action: "SHUTDOWN SAVE the managed Redis, keep it down 2000 ms, restart it from its dump",
    durationMs: 2000,
    targetedClients: CLIENTS,
    // 2 s at 0.5/s per user: every publish of the outage fails, none counts as published
    common: { publishFailures: 200 },
    outcomes: {
      "short-polling": {
        timeToBackMs: 2600,
        timeToRecoverMs: 2650,
        extraRequests: 60,
        extraBytes: 35_000,
        errors: 380,
      },
      "long-polling": {
        timeToBackMs: 2400,
        timeToRecoverMs: 2450,
        extraRequests: 300,
        extraBytes: 96_000,
        errors: 220,
      },
      // the one run that does not recover: the streams reopened, the wake-ups never came back
      sse: {
        timeToBackMs: 2300,
        timeToRecoverMs: null,
        recovered: false,
        lost: 37,
        extraRequests: 200,
        extraBytes: 131_000,
        errors: 200,
        reconnects: 200,
        warnings: [
          "not recovered: 37 notifications published after Redis returned never reached the open streams (the server's subscriber did not resubscribe)",
        ],
      },
    },
  },
  {
    kind: "reconnect-storm",
    action: `drop every client's connection and reconnect all ${CLIENTS} spread over 1000 ms`,
    durationMs: 1000,
    targetedClients: CLIENTS,
    outcomes: {
      "short-polling": {
        timeToBackMs: 1000,
        timeToRecoverMs: 1050,
        extraRequests: 12,
        extraBytes: 9_800,
        errors: 0,
        warnings: [
          "driver event-loop delay p99 120 ms during the storm: <reconnect> latency includes driver queueing",
        ],
      },
      "long-polling": {
        timeToBackMs: 1000,
        timeToRecoverMs: 1080,
        extraRequests: 200,
        extraBytes: 46_000,
        errors: 0,
      },
      sse: {
        timeToBackMs: 1020,
        timeToRecoverMs: 1090,
        extraRequests: 200,
        extraBytes: 88_000,
        errors: 0,
        reconnects: 200,
      },
    },
  },
  {
    kind: "slow-consumer",
    action: "20 of 200 clients read at 512 B/s for 10000 ms (SSE send-buffer bound 64 KiB)",
    durationMs: 10_000,
    targetedClients: CLIENTS / 10,
    // polling answers are small and one at a time: nothing for the server to cut or buffer
    common: { disruptedClients: 0, reconnectedClients: 0, serverCuts: 0 },
    outcomes: {
      "short-polling": {
        timeToBackMs: 10_000,
        timeToRecoverMs: 10_400,
        extraRequests: -30,
        extraBytes: -12_400,
        errors: 0,
        othersP99BeforeUs: 505_000,
        othersP99DuringUs: 521_000,
      },
      "long-polling": {
        timeToBackMs: 10_000,
        timeToRecoverMs: 10_200,
        extraRequests: -6,
        extraBytes: -2_100,
        errors: 0,
        othersP99BeforeUs: 2_000,
        othersP99DuringUs: 2_200,
      },
      sse: {
        timeToBackMs: 10_000,
        timeToRecoverMs: 10_900,
        extraRequests: 20,
        extraBytes: 41_000,
        errors: 0,
        disruptedClients: 20,
        reconnectedClients: 20,
        reconnects: 20,
        serverCuts: 20,
        cutReasons: ["send buffer above 48 KiB for 2000 ms (stalled reader)"],
        maxBufferedBytes: 61_440,
        bufferBoundBytes: 65_536,
        othersP99BeforeUs: 1_500,
        othersP99DuringUs: 1_700,
      },
    },
  },
  {
    kind: "history-trimmed",
    action: "20 of 200 clients go away for 8000 ms while their history is trimmed to the newest 2",
    durationMs: 8000,
    targetedClients: CLIENTS / 10,
    // 8 s away at 0.5/s: 4 missed per away client, 2 kept, so 2 each are announced gone
    common: { resets: CLIENTS / 10, skippedByReset: 40 },
    outcomes: {
      "short-polling": {
        timeToBackMs: 8000,
        timeToRecoverMs: 8900,
        extraRequests: -160,
        extraBytes: -72_000,
        errors: 0,
        othersP99BeforeUs: 498_000,
        othersP99DuringUs: 503_000,
      },
      "long-polling": {
        timeToBackMs: 8000,
        timeToRecoverMs: 8150,
        extraRequests: -78,
        extraBytes: -29_000,
        errors: 0,
        othersP99BeforeUs: 2_050,
        othersP99DuringUs: 2_100,
      },
      sse: {
        timeToBackMs: 8000,
        timeToRecoverMs: 8120,
        extraRequests: 20,
        extraBytes: 9_400,
        errors: 0,
        reconnects: 20,
        othersP99BeforeUs: 1_550,
        othersP99DuringUs: 1_600,
      },
    },
  },
];

export const STRATEGY_ORDER: readonly StrategyId[] = ["short-polling", "long-polling", "sse"];

/**
 * One fault run of `spec` for `strategy`. `noise` (repetitions) moves the sunny-day figures like
 * createFixtureRun's and the times to come back and recover by `recovery` (a multiplier).
 */
export function createFaultRun(
  spec: FaultFixtureSpec,
  strategy: StrategyId,
  random: () => number,
  noise?: RunNoise & { recovery: number },
): RunResult {
  const params = {
    ...FIXTURE_BASE_PARAMS,
    clients: CLIENTS,
    ratePerSec: 0.5,
    warmupMs: 2000,
    durationMs: 20_000,
    instances: spec.instances ?? 1,
  };
  const run = createFixtureRun(
    { scenario: spec.kind, step: null, strategy, params },
    random,
    noise,
  );
  const outcomeSpec = spec.outcomes[strategy];
  if (outcomeSpec === undefined) throw new Error(`no ${spec.kind} fixture outcome for ${strategy}`);
  const { warnings = [], reconnects = 0, ...given } = outcomeSpec;
  const scale = (ms: number | null) =>
    ms === null || noise === undefined ? ms : Math.round(ms * noise.recovery);
  // "back" cannot come before the fault is over, "recovered" not before "back"
  const back = scale(given.timeToBackMs);
  const timeToBackMs =
    back === null || noise === undefined ? back : Math.max(spec.durationMs, back);
  const recover = scale(given.timeToRecoverMs);
  const timeToRecoverMs =
    recover === null || noise === undefined ? recover : Math.max(timeToBackMs ?? 0, recover);
  const outcome = { ...given, timeToBackMs, timeToRecoverMs };
  const fault: FaultResult = {
    kind: spec.kind,
    action: spec.action,
    startMs: FAULT_START_MS,
    durationMs: spec.durationMs,
    targetedClients: spec.targetedClients,
    disruptedClients: spec.targetedClients,
    reconnectedClients: spec.targetedClients,
    recovered: true,
    lost: 0,
    duplicates: 0,
    skippedByReset: 0,
    resets: 0,
    publishFailures: 0,
    serverCuts: null,
    cutReasons: [],
    maxBufferedBytes: null,
    bufferBoundBytes: null,
    othersP99BeforeUs: null,
    othersP99DuringUs: null,
    ...spec.common,
    ...outcome,
  };
  const delivery = {
    ...run.delivery,
    lost: fault.lost,
    duplicates: fault.duplicates,
    skippedByReset: fault.skippedByReset,
    delivered: run.delivery.expected - fault.lost - fault.skippedByReset,
  };
  return {
    ...run,
    warnings,
    // a run that did not recover waited out its whole drain
    timing: fault.recovered ? run.timing : { ...run.timing, drainedMs: params.drainMs },
    delivery,
    http: { ...run.http, errors: fault.errors, resets: fault.resets, reconnects },
    fault,
  };
}

/**
 * The sunny-day fixture (createFixtureResults) plus 18 fault runs: six kinds x three strategies,
 * scenario id = fault kind, declared in method.scenarios after the sunny-day ones.
 */
export function createFixtureWithFaults(): BenchResults {
  const results = createFixtureResults();
  // a separate seed keeps the sunny-day runs byte-identical to createFixtureResults()
  const random = createRandom(6);
  for (const spec of FAULT_FIXTURE_SPECS) {
    for (const strategy of STRATEGY_ORDER)
      results.runs.push(createFaultRun(spec, strategy, random));
  }
  results.method.scenarios.push(...FAULT_FIXTURE_SPECS.map((spec) => spec.kind));
  return results;
}
