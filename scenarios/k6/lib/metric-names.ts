/**
 * Names of the custom k6 metrics the scripts record, and the summary options they need. One
 * list shared by the scripts (common.ts) and the summary importer (src/k6/import-k6-summary.ts),
 * so a renamed metric fails type-checking or the importer's tests instead of importing zeros.
 */
import type { ScenarioParams } from "../../../src/model/scenario.ts";

export const K6_METRICS = {
  /** Trend (time, ms): now - meta.sentAtMs for new receipts inside the measured window. */
  deliveryLatency: "delivery_latency",
  /** Counter: notifications the publisher got a 201 for (one per user for broadcasts). */
  published: "notifications_published",
  /** Counter: publish requests that failed (network error or non-201). */
  publishErrors: "publish_errors",
  /** Counter: distinct notifications received by their user (duplicates excluded). */
  received: "notifications_received",
  /** Counter: distinct receipts whose receipt time fell in the measured window. */
  receivedInWindow: "delivered_in_window",
  /** Counter: seqs skipped when a higher seq arrived first (usually: lost). */
  seqGaps: "seq_gaps",
  /** Counter: a seq the receiver had already seen. */
  seqDuplicates: "seq_duplicates",
  /** Counter: a seq lower than one already received (never with cursor-based delivery). */
  seqReordered: "seq_reordered",
  /** Counter: notifications that reached the wrong user. */
  foreign: "foreign_notifications",
  /** Counter: polls answered with no notification (polling strategies only). */
  emptyPolls: "empty_polls",
  /** Counter: empty polls answered inside the measured window. */
  emptyPollsInWindow: "empty_polls_in_window",
  /** Counter: receiver HTTP requests (a poll, or one SSE stream (re)connect). */
  receiverRequests: "receiver_requests",
  /** Counter: receiver requests sent inside the measured window. */
  receiverRequestsInWindow: "requests_in_window",
  /** Counter: receiver requests that failed (network error, non-200, unparsable answer). */
  receiverErrors: "receiver_errors",
  /** Counter: receiver errors inside the measured window. */
  receiverErrorsInWindow: "errors_in_window",
  /** Counter: SSE streams opened again after the first (0 for polling). */
  reconnects: "sse_reconnects",
} as const;

/**
 * Submetrics of k6's built-in byte counters restricted to the receivers scenario, so the
 * publisher's POSTs are not charged to the strategy. k6 only puts a submetric in the summary
 * when a threshold names it, so the scripts declare always-true thresholds on these.
 */
export const RECEIVER_DATA_SENT = "data_sent{scenario:receivers}";
export const RECEIVER_DATA_RECEIVED = "data_received{scenario:receivers}";

/** summaryTrendStats the importer needs: count, min, avg, med, p(90), p(99), p(99.9), max. */
export const SUMMARY_TREND_STATS = [
  "count",
  "min",
  "avg",
  "med",
  "p(90)",
  "p(95)",
  "p(99)",
  "p(99.9)",
  "max",
] as const;

/** Every Counter the receivers and publisher record (they add 0 at start so each appears). */
export const K6_COUNTERS = [
  K6_METRICS.published,
  K6_METRICS.publishErrors,
  K6_METRICS.received,
  K6_METRICS.receivedInWindow,
  K6_METRICS.seqGaps,
  K6_METRICS.seqDuplicates,
  K6_METRICS.seqReordered,
  K6_METRICS.foreign,
  K6_METRICS.emptyPolls,
  K6_METRICS.emptyPollsInWindow,
  K6_METRICS.receiverRequests,
  K6_METRICS.receiverRequestsInWindow,
  K6_METRICS.receiverErrors,
  K6_METRICS.receiverErrorsInWindow,
  K6_METRICS.reconnects,
] as const;

/** What the scripts put in setup() data; handleSummary's `data.setup_data` carries it. */
export interface K6SetupData {
  runId: string;
  strategy: string;
  scenario: string;
  step: { parameter: string; label: string; value: number } | null;
  quick: boolean;
  /** The resolved params the run used (after CLIENTS / DURATION_MS). */
  params: ScenarioParams;
  /** Notes for the results' warnings (resolve-runs warnings, env overrides). */
  notes: string[];
  /** Epoch ms when setup() ran, just before the scenarios started. */
  startedAtMs: number;
  baseUrl: string;
}
