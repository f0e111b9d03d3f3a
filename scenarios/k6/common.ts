/**
 * What the k6 scripts share: the scenario (from scenarios.json, the same resolved
 * definitions `npm run bench` uses), the options (a `receivers` scenario, one VU per user, and
 * an open-model `publisher` scenario), the custom metrics, the publisher, receipt recording,
 * the receive loops (polling, push) and handleSummary. Each script (short-polling.ts,
 * long-polling.ts, sse.ts, websocket.ts) adds what one request or connection does.
 *
 *   k6 run -e SCENARIO=steady -e BASE_URL=http://127.0.0.1:3000 scenarios/k6/short-polling.ts
 *
 * Environment: SCENARIOS_JSON (a scenario file written by `npm run export-scenarios --
 * --scenario-file F`, absolute path; default the built-ins' scenarios.json), SCENARIO (default steady), STEP (sweep step label or value; default the first),
 * BASE_URL (default http://127.0.0.1:3000), RUN_ID (user-id prefix; give the same one to every
 * instance of a distributed run), CLIENTS, DURATION_MS (overrides), SUMMARY_PATH (default
 * summary.json). See docs/distributed.md.
 */
import { sleep } from "k6";
import exec from "k6/execution";
import http from "k6/http";
import { Counter, Trend } from "k6/metrics";
import type { Options } from "k6/options";
import type { StrategyId } from "../../src/model/strategies.ts";
import {
  K6_COUNTERS,
  K6_METRICS,
  type K6SetupData,
  RECEIVER_DATA_RECEIVED,
  RECEIVER_DATA_SENT,
  SUMMARY_TREND_STATS,
} from "./lib/metric-names.ts";
import {
  applyEnvOverrides,
  buildK6Scenarios,
  publishBody,
  sanitizeRunId,
  targetIndex,
  timelineOf,
  userIdOf,
} from "./lib/plan.ts";
import { runPushReceiverLoop } from "./lib/push-receiver.ts";
import {
  classifyReceipt,
  type PollAnswer,
  parsePollAnswer,
  type ReceivedNotification,
  SeqTracker,
} from "./lib/receipts.ts";
import { checkStrategy, type ScenarioFile, selectRun } from "./lib/scenario-file.ts";
import { summaryText } from "./lib/summary-text.ts";

// ---- init context: the run this script executes -------------------------------------------

// import.meta.resolve: relative to this module, whichever script imported it.
// SCENARIOS_JSON: a user's scenarios in the same form (npm run export-scenarios -- --scenario-file F).
const FILE = JSON.parse(
  open(__ENV.SCENARIOS_JSON || import.meta.resolve("./scenarios.json")),
) as ScenarioFile;
const SELECTED = selectRun(FILE, __ENV.SCENARIO || "steady", __ENV.STEP);
const OVERRIDDEN = applyEnvOverrides(SELECTED.params, __ENV);

/** The resolved params of this run (scenario, step, CLIENTS / DURATION_MS applied). */
export const PARAMS = OVERRIDDEN.params;
export const BASE_URL = (__ENV.BASE_URL || "http://127.0.0.1:3000").replace(/\/+$/, "");
const TIMELINE = timelineOf(PARAMS);

/** k6 options: the two scenarios, the summary stats the importer needs, receiver submetrics. */
export function buildOptions(strategy: StrategyId): Options {
  checkStrategy(FILE, SELECTED.scenario, strategy);
  return {
    scenarios: buildK6Scenarios(PARAMS),
    summaryTrendStats: [...SUMMARY_TREND_STATS],
    // Always-true thresholds: k6 shows a submetric in the summary only when a threshold names
    // it. These split the receivers' bytes from the publisher's.
    thresholds: {
      [RECEIVER_DATA_SENT]: ["count>=0"],
      [RECEIVER_DATA_RECEIVED]: ["count>=0"],
    },
    setupTimeout: "30s",
    tags: { strategy, pvp_scenario: SELECTED.scenario },
  };
}

/** setup(): one run id for every VU, and what the summary importer needs to know. */
export function runSetup(strategy: StrategyId): K6SetupData {
  const runId = sanitizeRunId(__ENV.RUN_ID || `k6${Date.now().toString(36)}`);
  return {
    runId,
    strategy,
    scenario: SELECTED.scenario,
    step: SELECTED.step,
    quick: SELECTED.quick,
    params: PARAMS,
    notes: [...SELECTED.warnings, ...OVERRIDDEN.notes],
    startedAtMs: Date.now(),
    baseUrl: BASE_URL,
  };
}

// ---- metrics ---------------------------------------------------------------------------------

const latency = new Trend(K6_METRICS.deliveryLatency, true);
const counters = Object.fromEntries(K6_COUNTERS.map((name) => [name, new Counter(name)])) as Record<
  (typeof K6_COUNTERS)[number],
  Counter
>;
const count = (name: (typeof K6_COUNTERS)[number], value = 1): void => {
  counters[name].add(value);
};

/** Adds 0 to every counter, so each appears in the summary even when nothing happened. */
function touchCounters(): void {
  for (const name of K6_COUNTERS) counters[name].add(0);
}

// ---- publisher -------------------------------------------------------------------------------

const PUBLISH_TAGS = { name: "POST /api/notifications/:userId" };

/**
 * One publish event of the open-model schedule: one notification to one user (per-user
 * fanout; random user for Poisson, round-robin for fixed) or one to every user (all-users, as
 * one http.batch). `meta.sentAtMs` is the iteration's start, which constant-arrival-rate keeps
 * on schedule (a late start shows as latency; a start it cannot make is a dropped_iterations).
 */
export function runPublisher(data: K6SetupData): void {
  const sentAtMs = Date.now();
  const pubSeq = exec.scenario.iterationInTest;
  const body = publishBody(PARAMS, sentAtMs, pubSeq);
  const params = { headers: { "Content-Type": "application/json" }, tags: PUBLISH_TAGS };
  const url = (index: number): string =>
    `${BASE_URL}/api/notifications/${userIdOf(data.runId, index)}`;
  const statuses: number[] = [];
  if (PARAMS.fanout === "per-user") {
    statuses.push(http.post(url(targetIndex(PARAMS, pubSeq, Math.random)), body, params).status);
  } else {
    const requests = Array.from({ length: PARAMS.clients }, (_, i) => ({
      method: "POST",
      url: url(i),
      body,
      params,
    }));
    for (const response of http.batch(requests)) statuses.push(response.status);
  }
  const ok = statuses.filter((s) => s === 201).length;
  count(K6_METRICS.published, ok);
  count(K6_METRICS.publishErrors, statuses.length - ok);
}

// ---- receivers -------------------------------------------------------------------------------

/** One receiver (= one user) of this VU: its id, ledger and absolute times. */
export interface Receiver {
  userId: string;
  tracker: SeqTracker;
  /** Absolute epoch-ms window edges and end. */
  window: { startMs: number; endMs: number };
  endAtMs: number;
}

/**
 * Starts this VU's receiver: user number = the iteration's index in the receivers scenario
 * (unique across instances); waits for its slot in the ramp; touches every counter.
 */
export function startReceiver(data: K6SetupData): Receiver {
  const index = exec.scenario.iterationInTest;
  const start = exec.scenario.startTime;
  touchCounters();
  const slotMs = start + (PARAMS.clients > 1 ? (index / PARAMS.clients) * TIMELINE.rampMs : 0);
  const waitMs = slotMs - Date.now();
  if (waitMs > 0) sleep(waitMs / 1000);
  return {
    userId: userIdOf(data.runId, index),
    tracker: new SeqTracker(),
    window: { startMs: start + TIMELINE.windowStartMs, endMs: start + TIMELINE.windowEndMs },
    endAtMs: start + TIMELINE.endMs,
  };
}

const inWindow = (receiver: Receiver, atMs: number): boolean =>
  atMs >= receiver.window.startMs && atMs < receiver.window.endMs;

/** Call right before sending a receiver request (a poll, or opening an SSE stream). */
export function recordRequest(receiver: Receiver, isReconnect: boolean): void {
  count(K6_METRICS.receiverRequests);
  if (inWindow(receiver, Date.now())) count(K6_METRICS.receiverRequestsInWindow);
  if (isReconnect) count(K6_METRICS.reconnects);
}

export function recordError(receiver: Receiver, what: string): void {
  count(K6_METRICS.receiverErrors);
  if (inWindow(receiver, Date.now())) count(K6_METRICS.receiverErrorsInWindow);
  if (__ENV.VERBOSE) console.warn(`${receiver.userId}: ${what}`);
}

export function recordEmptyPoll(receiver: Receiver): void {
  count(K6_METRICS.emptyPolls);
  if (inWindow(receiver, Date.now())) count(K6_METRICS.emptyPollsInWindow);
}

/** Records one received notification: ledger, counters and (inside the window) latency. */
export function recordNotification(receiver: Receiver, notification: ReceivedNotification): void {
  const record = classifyReceipt(
    notification,
    receiver.userId,
    receiver.tracker,
    Date.now(),
    receiver.window,
  );
  if (record.foreign) {
    count(K6_METRICS.foreign);
    return;
  }
  if (record.duplicate) {
    count(K6_METRICS.seqDuplicates);
    return;
  }
  count(K6_METRICS.received);
  if (record.gap > 0) count(K6_METRICS.seqGaps, record.gap);
  if (record.reordered) count(K6_METRICS.seqReordered);
  if (record.inWindow) count(K6_METRICS.receivedInWindow);
  if (record.latencyMs !== null) latency.add(record.latencyMs);
}

/** One polling request: path (after BASE_URL), route name for metric tags, timeout, pause after. */
export interface PollRequest {
  url: string;
  /** The `name` tag: one k6 time series per route, not one per user URL. */
  route: string;
  timeoutMs: number;
  /** Pause between an answer and the next poll, in ms. */
  waitAfterMs: () => number;
}

/**
 * The loop both polling strategies share (like src/driver/clients/polling-client.ts): from
 * cursor 0-0, poll, record every notification, carry the cursor; stop at the receiver's end.
 * A failed poll is recorded and retried after 1 s.
 */
export function runPollingReceiver(
  data: K6SetupData,
  next: (userId: string, cursor: string, remainingMs: number) => PollRequest,
): void {
  const receiver = startReceiver(data);
  let cursor = "0-0";
  while (Date.now() < receiver.endAtMs) {
    const request = next(receiver.userId, cursor, receiver.endAtMs - Date.now());
    recordRequest(receiver, false);
    const response = http.get(`${BASE_URL}${request.url}`, {
      tags: { name: request.route },
      timeout: `${request.timeoutMs}ms`,
      responseType: "text",
    });
    let answer: PollAnswer | null = null;
    if (response.status !== 200 || typeof response.body !== "string") {
      recordError(receiver, `poll answered ${response.status} ${response.error}`);
    } else {
      try {
        answer = parsePollAnswer(response.body);
      } catch (error) {
        recordError(receiver, String(error));
      }
    }
    if (answer === null) {
      sleep(1);
      continue;
    }
    if (answer.notifications.length === 0) recordEmptyPoll(receiver);
    for (const notification of answer.notifications) recordNotification(receiver, notification);
    cursor = answer.cursor;
    const waitMs = Math.min(request.waitAfterMs(), receiver.endAtMs - Date.now());
    if (waitMs > 0) sleep(waitMs / 1000);
  }
}

/**
 * The receive loop of both push strategies (lib/push-receiver.ts) on this VU's receiver: each
 * connection is counted as a request (a reconnect from the second on) and its first failure as
 * an error. `connect` holds one stream or socket until it ends.
 */
export function runPushReceiver(
  data: K6SetupData,
  reconnectDelayMs: number,
  connect: (receiver: Receiver, fail: (what: string) => void) => void,
): void {
  const receiver = startReceiver(data);
  runPushReceiverLoop({
    endAtMs: receiver.endAtMs,
    reconnectDelayMs,
    onConnect: (isReconnect) => recordRequest(receiver, isReconnect),
    onError: (what) => recordError(receiver, what),
    connect: (fail) => connect(receiver, fail),
    sleepMs: (ms) => sleep(ms / 1000),
  });
}

// ---- summary ---------------------------------------------------------------------------------

/**
 * Writes k6's end-of-test summary object unchanged as JSON (SUMMARY_PATH, default
 * summary.json) for `npm run report -- --k6 summary.json`, and a short text on stdout.
 */
export function writeSummary(data: Record<string, unknown>): Record<string, string> {
  const path = __ENV.SUMMARY_PATH || "summary.json";
  return { [path]: JSON.stringify(data, null, 2), stdout: summaryText(data, path) };
}
