/**
 * Server-Sent Events under k6 (needs a k6 built with the xk6-sse extension:
 * `xk6 build --with github.com/phymbert/xk6-sse`). Each receiver VU is one user holding
 * `GET /api/notifications/:userId/sse` with `Last-Event-ID` (0-0 at first, then the id of the
 * last `push` event), recording every `push` event; when the stream ends early it waits the
 * server's retry hint (2 s, see docs/architecture.md) and reconnects, counted in sse_reconnects.
 *
 *   k6 run -e SCENARIO=steady -e BASE_URL=http://127.0.0.1:3000 scenarios/k6/sse.ts
 *
 * sse.open blocks the VU until the stream ends; the stream is closed at the first event after
 * the receiver's end (heartbeats come every 15 s) or when the receivers scenario's maxDuration
 * interrupts the VU.
 */
import sse from "k6/x/sse";
import {
  BASE_URL,
  buildOptions,
  recordNotification,
  runPublisher,
  runPushReceiver,
  runSetup,
  writeSummary,
} from "./common.ts";
import type { K6SetupData } from "./lib/metric-names.ts";
import { parsePushData } from "./lib/receipts.ts";

/** The servers' `retry:` hint; xk6-sse parses but does not expose it. */
const RETRY_MS = 2_000;

export const options = buildOptions("sse");

export function setup(): K6SetupData {
  return runSetup("sse");
}

export function receive(data: K6SetupData): void {
  let lastEventId = "0-0";
  runPushReceiver(data, RETRY_MS, (receiver, fail) => {
    const response = sse.open(
      `${BASE_URL}/api/notifications/${receiver.userId}/sse`,
      {
        headers: { "Last-Event-ID": lastEventId },
        tags: { name: "GET /api/notifications/:userId/sse" },
      },
      (client) => {
        client.on("event", (event) => {
          if (event.name === "push") {
            try {
              const notification = parsePushData(event.data);
              recordNotification(receiver, notification);
              if (event.id !== "") lastEventId = event.id;
            } catch (error) {
              fail(String(error));
            }
          }
          if (Date.now() >= receiver.endAtMs) client.close();
        });
        client.on("error", (error) => {
          fail(`stream error: ${error.error()}`);
        });
      },
    );
    if (response.error !== "" || response.status !== 200) {
      fail(`stream answered ${response.status} ${response.error}`);
    }
  });
}

export function publish(data: K6SetupData): void {
  runPublisher(data);
}

export function handleSummary(data: Record<string, unknown>): Record<string, string> {
  return writeSummary(data);
}
