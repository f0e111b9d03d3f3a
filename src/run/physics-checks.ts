/**
 * Physics as checks: where the answer is known from how a strategy works, a run that disagrees
 * gets a warning. A disagreement means the instrument or the server is off (a saturated server,
 * a driver that fell behind, a client that polls at the wrong pace), not that physics changed.
 * Pure: a function of the finished RunResult. Fault runs are left out on purpose: a fault
 * bends every one of these rules (reconnects, extra polls, held notifications).
 */
import type { RunResult } from "../model/results.ts";

/** Relative tolerance of short polling's mean latency around interval / 2 (the issue's ±15 %). */
export const SHORT_POLL_MEAN_TOLERANCE = 0.15;
/**
 * Absolute slack on top, ms: the round trip of the poll that picks a notification up, which the
 * interval/2 model leaves out (about a millisecond on loopback, more on a busy machine).
 */
export const SHORT_POLL_ROUND_TRIP_SLACK_MS = 5;
/** Latency samples below which a mean says too little to check. */
export const MIN_SAMPLES_FOR_CHECK = 30;
/**
 * Per-user rate (notifications per second) at or below which long polling answers about one
 * notification per poll: two notifications rarely land in one poll's round trip.
 */
export const LONG_POLL_LOW_RATE_PER_SEC = 1;
/** Requests per delivered notification a low-rate long-polling run must reach. */
export const LONG_POLL_MIN_REQUESTS_PER_DELIVERED = 0.9;

export function physicsChecks(run: RunResult): string[] {
  if (run.fault !== null) return [];
  const check = CHECKS[run.strategy];
  const warning = check(run);
  return warning === null ? [] : [warning];
}

const CHECKS: Record<RunResult["strategy"], (run: RunResult) => string | null> = {
  "short-polling": checkShortPolling,
  "long-polling": checkLongPolling,
  sse: checkSse,
  websocket: checkWebSocket,
};

/**
 * A notification lands at a uniformly random moment of a poll cycle, so it waits half an
 * interval on average (jitter of ±10 % moves that by under 0.5 %), plus the round trip.
 */
function checkShortPolling(run: RunResult): string | null {
  const { meanUs, count } = run.latency;
  if (meanUs === null || count < MIN_SAMPLES_FOR_CHECK) return null;
  const expectedMs = run.params.shortPollIntervalMs / 2;
  const meanMs = meanUs / 1000;
  const lowMs = expectedMs * (1 - SHORT_POLL_MEAN_TOLERANCE);
  const highMs = expectedMs * (1 + SHORT_POLL_MEAN_TOLERANCE) + SHORT_POLL_ROUND_TRIP_SLACK_MS;
  if (meanMs >= lowMs && meanMs <= highMs) return null;
  return (
    `physics check: short polling's mean latency was ${meanMs.toFixed(1)} ms, outside ` +
    `${lowMs.toFixed(0)}..${highMs.toFixed(0)} ms (interval ${run.params.shortPollIntervalMs} ms / 2 ` +
    `±${SHORT_POLL_MEAN_TOLERANCE * 100} % + ${SHORT_POLL_ROUND_TRIP_SLACK_MS} ms round trip): ` +
    "the polls did not keep their pace (a saturated server or driver), read its latency with care"
  );
}

/** At low rates every delivery costs (at least) the poll that carried it. */
function checkLongPolling(run: RunResult): string | null {
  const perDelivered = run.perDelivered.requests;
  if (perDelivered === null || run.delivery.deliveredInWindow < MIN_SAMPLES_FOR_CHECK) return null;
  if (run.params.ratePerSec > LONG_POLL_LOW_RATE_PER_SEC) return null;
  if (perDelivered >= LONG_POLL_MIN_REQUESTS_PER_DELIVERED) return null;
  return (
    `physics check: long polling made ${perDelivered.toFixed(2)} requests per delivered ` +
    `notification at ${run.params.ratePerSec}/s per user, below ~1 (each delivery at a low rate ` +
    "is the answer to its own poll): the counts of requests or deliveries are off"
  );
}

/** One stream per client, opened before the window: nothing to request inside it. */
function checkSse(run: RunResult): string | null {
  if (run.http.requests === 0) return null;
  return (
    `physics check: SSE made ${run.http.requests} requests inside the window where it needs 0 ` +
    `(one stream per client, opened before it): ${run.http.reconnects} streams reconnected`
  );
}

/** One socket per client, upgraded before the window: no HTTP request inside it (as SSE). */
function checkWebSocket(run: RunResult): string | null {
  if (run.http.requests === 0) return null;
  return (
    `physics check: WebSocket made ${run.http.requests} upgrade requests inside the window where ` +
    `it needs 0 (one socket per client, opened before it): ${run.http.reconnects} sockets reconnected`
  );
}
