/**
 * Pure planning helpers for the k6 scripts: the run's timeline, the two k6 scenarios
 * (receivers + publisher) as plain option objects, arrival rates, user ids and environment
 * overrides. No k6 imports, so they are unit-tested in Node (src/k6/k6-script-helpers.test.ts).
 */
import type { ScenarioParams } from "../../../src/model/scenario.ts";

/** Milliseconds since the receivers scenario started. */
export interface Timeline {
  /** Receivers connect over [0, rampMs), evenly spaced. */
  rampMs: number;
  /** The publisher starts when every receiver had its chance to connect. */
  publishStartMs: number;
  /** Warm-up ends and the measured window starts. */
  windowStartMs: number;
  /** The window ends and the publisher stops. */
  windowEndMs: number;
  /** Receivers stop after the drain. */
  endMs: number;
}

export function timelineOf(params: ScenarioParams): Timeline {
  const windowStartMs = params.rampMs + params.warmupMs;
  const windowEndMs = windowStartMs + params.durationMs;
  return {
    rampMs: params.rampMs,
    publishStartMs: params.rampMs,
    windowStartMs,
    windowEndMs,
    endMs: windowEndMs + params.drainMs,
  };
}

/** Publish iterations per second: notifications (per-user fanout) or broadcast events (all-users). */
export function publishIterationsPerSec(params: ScenarioParams): number {
  return params.fanout === "per-user" ? params.ratePerSec * params.clients : params.ratePerSec;
}

/**
 * k6's arrival-rate executors take an integer `rate` per `timeUnit`: 0.2/s becomes
 * `{rate: 1, timeUnit: "5s"}`-like spacing expressed as 2 per 10 s. Picks the smallest power
 * of ten of seconds that makes the rate whole (rounding at 1000 s, a 0.1 % error at most).
 */
export function arrivalRate(perSecond: number): { rate: number; timeUnit: string } {
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) {
    throw new Error(`arrival rate must be a positive number, got ${perSecond}`);
  }
  for (const seconds of [1, 10, 100, 1000]) {
    const rate = perSecond * seconds;
    if (Math.abs(rate - Math.round(rate)) < 1e-9 && Math.round(rate) >= 1) {
      return { rate: Math.round(rate), timeUnit: `${seconds}s` };
    }
  }
  return { rate: Math.max(1, Math.round(perSecond * 1000)), timeUnit: "1000s" };
}

/** A k6 scenario as plain data (checked against k6's `Options` type in common.ts). */
export type K6ScenarioSpec =
  | {
      executor: "per-vu-iterations";
      exec: string;
      vus: number;
      iterations: number;
      maxDuration: string;
      gracefulStop: string;
    }
  | {
      executor: "constant-arrival-rate";
      exec: string;
      startTime: string;
      duration: string;
      rate: number;
      timeUnit: string;
      preAllocatedVUs: number;
      maxVUs: number;
      gracefulStop: string;
    };

/** Scenario names; also the `scenario` tag k6 puts on every metric sample. */
export const RECEIVERS = "receivers";
export const PUBLISHER = "publisher";

const ms = (value: number): string => `${Math.max(0, Math.round(value))}ms`;

/**
 * The two k6 scenarios of one run:
 * - `receivers`: one VU per user, one long iteration each (per-vu-iterations, iterations 1), so
 *   `exec.scenario.iterationInTest` numbers the users 0..clients-1 across every k6 instance of
 *   a distributed run (`__VU` restarts at 1 on each instance and is shared with the publisher).
 * - `publisher` (absent when ratePerSec is 0): constant-arrival-rate, an open model: iterations
 *   start on schedule whether or not earlier ones finished, and k6 reports `dropped_iterations`
 *   when it runs out of VUs instead of silently publishing late.
 */
export function buildK6Scenarios(params: ScenarioParams): Record<string, K6ScenarioSpec> {
  const t = timelineOf(params);
  const scenarios: Record<string, K6ScenarioSpec> = {
    [RECEIVERS]: {
      executor: "per-vu-iterations",
      exec: "receive",
      vus: params.clients,
      iterations: 1,
      // The receivers end themselves at endMs; the margin covers one in-flight request.
      maxDuration: ms(t.endMs + 5_000),
      gracefulStop: "0s",
    },
  };
  const perSec = publishIterationsPerSec(params);
  if (perSec > 0) {
    const { rate, timeUnit } = arrivalRate(perSec);
    // A publish is one POST (per-user) or one POST per user (all-users, sent as a batch).
    const iterationSec = params.fanout === "per-user" ? 0.05 : Math.max(0.05, params.clients / 500);
    const preAllocatedVUs = Math.max(2, Math.ceil(perSec * iterationSec * 2));
    scenarios[PUBLISHER] = {
      executor: "constant-arrival-rate",
      exec: "publish",
      startTime: ms(t.publishStartMs),
      duration: ms(params.warmupMs + params.durationMs),
      rate,
      timeUnit,
      preAllocatedVUs,
      maxVUs: Math.max(10, preAllocatedVUs * 10),
      gracefulStop: "5s",
    };
  }
  return scenarios;
}

/** Run ids end up in user ids (`[A-Za-z0-9_-]{1,64}` on the server), so keep them short and safe. */
export function sanitizeRunId(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 32);
  if (cleaned === "")
    throw new Error(`RUN_ID '${raw}' has no usable characters; use [A-Za-z0-9_-]`);
  return cleaned;
}

/**
 * User id of receiver `index` (0-based). The run id keeps every run on fresh Redis streams, so
 * polling from cursor 0-0 never reads a previous run's notifications and seq starts at 1.
 */
export function userIdOf(runId: string, index: number): string {
  return `${runId}-user-${index + 1}`;
}

/** Which user a publish iteration targets: round-robin for fixed spacing, random for Poisson. */
export function targetIndex(
  params: ScenarioParams,
  iterationInTest: number,
  random: () => number,
): number {
  if (params.publishModel === "fixed") return iterationInTest % params.clients;
  return Math.min(params.clients - 1, Math.floor(random() * params.clients));
}

function wholeNumber(
  env: Record<string, string | undefined>,
  name: string,
  min: number,
): number | undefined {
  const text = env[name];
  if (text === undefined || text === "") return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new Error(`${name} '${text}' must be a whole number >= ${min}`);
  }
  return Number(text);
}

/**
 * `-e CLIENTS=<n>` and `-e DURATION_MS=<ms>` replace the scenario's clients and measured window,
 * like `npm run bench -- --clients --duration` (at scale the file's 1,000 clients are a start).
 * Returns the params and one note per override for the summary.
 */
export function applyEnvOverrides(
  params: ScenarioParams,
  env: Record<string, string | undefined>,
): { params: ScenarioParams; notes: string[] } {
  const next = { ...params };
  const notes: string[] = [];
  const clients = wholeNumber(env, "CLIENTS", 1);
  if (clients !== undefined) {
    next.clients = clients;
    notes.push(`CLIENTS=${clients} replaced the scenario's ${params.clients} clients`);
  }
  const durationMs = wholeNumber(env, "DURATION_MS", 100);
  if (durationMs !== undefined) {
    next.durationMs = durationMs;
    notes.push(`DURATION_MS=${durationMs} replaced the scenario's ${params.durationMs} ms window`);
  }
  return { params: next, notes };
}

/** The message text of every published notification: `payloadBytes` ASCII bytes, like the bench. */
export function publishBody(params: ScenarioParams, sentAtMs: number, pubSeq: number): string {
  return JSON.stringify({
    title: `k6 #${pubSeq}`,
    message: "x".repeat(params.payloadBytes),
    meta: { sentAtMs, pubSeq },
  });
}
