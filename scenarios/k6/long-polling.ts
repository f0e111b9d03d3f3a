/**
 * Long polling under k6: each receiver VU is one user holding
 * `GET /api/notifications/:userId/poll?after=<cursor>&timeoutMs=<hold>` from cursor 0-0,
 * carrying the cursor and re-polling at once after every answer.
 *
 *   k6 run -e SCENARIO=steady -e BASE_URL=http://127.0.0.1:3000 scenarios/k6/long-polling.ts
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

export const options = buildOptions("long-polling");

export function setup(): K6SetupData {
  return runSetup("long-polling");
}

export function receive(data: K6SetupData): void {
  runPollingReceiver(data, (userId, cursor, remainingMs) => {
    // Never hold past the receiver's end, so the loop ends on time without cutting a request.
    const holdMs = Math.max(0, Math.min(PARAMS.longPollHoldMs, Math.floor(remainingMs)));
    return {
      url: `/api/notifications/${userId}/poll?after=${encodeURIComponent(cursor)}&timeoutMs=${holdMs}`,
      route: "GET /api/notifications/:userId/poll",
      timeoutMs: holdMs + 30_000,
      waitAfterMs: () => 0,
    };
  });
}

export function publish(data: K6SetupData): void {
  runPublisher(data);
}

export function handleSummary(data: Record<string, unknown>): Record<string, string> {
  return writeSummary(data);
}
