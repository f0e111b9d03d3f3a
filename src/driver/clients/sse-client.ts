/**
 * SSE: one long-lived stream per client, parsed by the spec-compliant event-stream parser.
 * When the stream ends or fails the client waits the server's `retry` hint and reconnects with
 * `Last-Event-ID`, exactly as a browser's EventSource does, so resume is measured, not assumed.
 */
import http from "node:http";
import { createSseParser } from "../sse-parser.ts";
import {
  type ClientContext,
  retryDelayMs,
  type SimulatedClient,
  type WireNotification,
} from "./client-context.ts";
import { INITIAL_CURSOR } from "./polling-client.ts";

/** EventSource's usual default before the server sends a `retry:` field. */
export const DEFAULT_SSE_RETRY_MS = 2000;

export function createSseClient(ctx: ClientContext, userId: string): SimulatedClient {
  // Start from the beginning of the per-run stream (not "now"), so the ledger can expect seq 1..
  // regardless of when the server registered the stream.
  let lastEventId = INITIAL_CURSOR;
  let retryMs = DEFAULT_SSE_RETRY_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let request: http.ClientRequest | undefined;
  let connected: (() => void) | undefined;
  let firstConnect = true;
  const agent = ctx.createAgent();

  const reconnectLater = (delayMs: number): void => {
    request = undefined;
    if (stopped) return;
    timer = setTimeout(connect, delayMs);
  };

  const connect = (): void => {
    if (stopped) return;
    ctx.stats.requests += 1;
    if (!firstConnect) ctx.stats.reconnects += 1;
    firstConnect = false;
    let failed = false;
    const fail = (delayMs: number): void => {
      if (failed) return;
      failed = true;
      if (!stopped) ctx.stats.errors += 1;
      reconnectLater(delayMs);
    };
    const req = http.request({
      host: ctx.baseUrl.hostname,
      port: ctx.baseUrl.port,
      path: `/api/notifications/${encodeURIComponent(userId)}/sse`,
      method: "GET",
      agent,
      headers: { accept: "text/event-stream", "last-event-id": lastEventId },
    });
    request = req;
    req.on("error", () => fail(retryMs));
    req.on("response", (res) => {
      const contentType = res.headers["content-type"] ?? "";
      if (res.statusCode !== 200 || !contentType.startsWith("text/event-stream")) {
        res.resume();
        fail(retryDelayMs(res.headers["retry-after"], retryMs));
        return;
      }
      const parser = createSseParser({
        onEvent: (event) => {
          if (event.type === "push") {
            let notification: WireNotification;
            try {
              notification = JSON.parse(event.data) as WireNotification;
            } catch {
              ctx.stats.errors += 1;
              return;
            }
            lastEventId = event.lastEventId;
            ctx.onNotifications(userId, [notification]);
          } else if (event.type === "count") {
            // The server sends `count` right after it has registered the stream: connected.
            connected?.();
            connected = undefined;
          }
        },
        onRetry: (ms) => {
          retryMs = ms;
        },
      });
      res.on("data", (chunk: Buffer) => parser.push(chunk));
      res.on("error", () => fail(retryMs));
      res.on("end", () => {
        parser.end();
        // A stream the server ended (restart, shutdown, backpressure cut) is resumed, not an error.
        if (!failed) {
          failed = true;
          reconnectLater(retryMs);
        }
      });
    });
    req.end();
  };

  return {
    userId,
    start() {
      return new Promise<void>((resolve) => {
        connected = resolve;
        connect();
      });
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      request?.destroy();
      agent.destroy();
      connected?.();
    },
  };
}
