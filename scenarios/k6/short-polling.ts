/**
 * Short polling under k6: each receiver VU is one user polling
 * `GET /api/notifications/:userId?after=<cursor>` from cursor 0-0, carrying the cursor, and
 * waiting the scenario's interval (± jitter) between an answer and the next poll.
 *
 *   k6 run -e SCENARIO=steady -e BASE_URL=http://127.0.0.1:3000 scenarios/k6/short-polling.ts
 */

import {
  buildOptions,
  PARAMS,
  runPollingReceiver,
  runPublisher,
  runSetup,
  writeSummary,
} from "./common.ts";
import type { K6SetupData } from "./lib/metric-names.ts";

export const options = buildOptions("short-polling");

export function setup(): K6SetupData {
  return runSetup("short-polling");
}

export function receive(data: K6SetupData): void {
  runPollingReceiver(data, (userId, cursor) => ({
    url: `/api/notifications/${userId}?after=${encodeURIComponent(cursor)}`,
    route: "GET /api/notifications/:userId",
    timeoutMs: 30_000,
    waitAfterMs: () =>
      PARAMS.shortPollIntervalMs * (1 + PARAMS.jitterRatio * (2 * Math.random() - 1)),
  }));
}

export function publish(data: K6SetupData): void {
  runPublisher(data);
}

export function handleSummary(data: Record<string, unknown>): Record<string, string> {
  return writeSummary(data);
}
