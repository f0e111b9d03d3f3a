/**
 * WebSocket under k6 (k6/ws, built into every k6). Each receiver VU is one user holding
 * `GET /api/notifications/:userId/ws?after=<cursor>` (0-0 at first, then the id of the last
 * `push` message), recording every `push` message; when the socket closes early it waits 2 s
 * (the driver's reconnect delay, EventSource's default: the same terms as SSE) and reconnects
 * with the last id, counted in sse_reconnects (the push strategies share the counter).
 *
 *   k6 run -e SCENARIO=steady -e BASE_URL=http://127.0.0.1:3000 scenarios/k6/websocket.ts
 *
 * ws.connect blocks the VU until the socket closes; the socket is closed at the receiver's end
 * (a timer) or when the receivers scenario's maxDuration interrupts the VU. Messages are the
 * server's JSON (servers/websocket-format.ts): push {id, data}, count, reset.
 */
import ws from "k6/ws";
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
import { toNotification } from "./lib/receipts.ts";

/** Wait before reconnecting after the socket closed (as the bench's WebSocket client). */
const RECONNECT_MS = 2_000;

export const options = buildOptions("websocket");

export function setup(): K6SetupData {
  return runSetup("websocket");
}

export function receive(data: K6SetupData): void {
  let cursor = "0-0";
  runPushReceiver(data, RECONNECT_MS, (receiver, fail) => {
    const base = `${BASE_URL.replace(/^http/, "ws")}/api/notifications/${receiver.userId}/ws`;
    const response = ws.connect(
      `${base}?after=${encodeURIComponent(cursor)}`,
      { tags: { name: "GET /api/notifications/:userId/ws" } },
      (socket) => {
        socket.setTimeout(() => socket.close(1000), Math.max(1, receiver.endAtMs - Date.now()));
        socket.on("message", (text) => {
          try {
            const message = JSON.parse(text) as { type?: unknown; id?: unknown; data?: unknown };
            if (message.type !== "push") return;
            recordNotification(receiver, toNotification(message.data, "push message data"));
            if (typeof message.id === "string") cursor = message.id;
          } catch (error) {
            fail(String(error));
          }
        });
        socket.on("error", (error) => {
          fail(`socket error: ${error.error()}`);
        });
      },
    );
    if (response.status !== 101) fail(`upgrade answered ${response.status} ${response.error}`);
  });
}

export function publish(data: K6SetupData): void {
  runPublisher(data);
}

export function handleSummary(data: Record<string, unknown>): Record<string, string> {
  return writeSummary(data);
}
