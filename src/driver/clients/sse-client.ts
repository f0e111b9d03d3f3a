/**
 * SSE: one long-lived stream per client, parsed by the spec-compliant event-stream parser.
 * When the stream ends or fails the client waits the server's `retry` hint and reconnects with
 * `Last-Event-ID`, exactly as a browser's EventSource does, so resume is measured, not assumed.
 */
import http from "node:http";
import { createSseParser, type SseEvent } from "../sse-parser.ts";
import {
  type ClientContext,
  describeNetworkError,
  type Endpoint,
  retryDelayMs,
  type SimulatedClient,
} from "./client-context.ts";
import { createConnectionLifecycle, type Disruption } from "./connection-lifecycle.ts";
import { isExternal } from "./endpoint-rotation.ts";
import { INITIAL_CURSOR } from "./polling-client.ts";

/** EventSource's usual default before the server sends a `retry:` field. */
export const DEFAULT_SSE_RETRY_MS = 2000;

export interface SseClientOptions {
  /** Index into `ctx.endpoints` this client starts at (default 0). */
  endpointIndex?: number;
}

function streamUrl(endpoint: Endpoint, userId: string): URL {
  return endpoint.kind === "server"
    ? new URL(`/api/notifications/${encodeURIComponent(userId)}/sse`, endpoint.baseUrl)
    : endpoint.subscribe.expand({ userId });
}

export function createSseClient(
  ctx: ClientContext,
  userId: string,
  options: SseClientOptions = {},
): SimulatedClient {
  const life = createConnectionLifecycle(ctx, userId, options, (isCurrent) => connect(isCurrent));
  const external = isExternal(life.route.current());
  // Our servers: start from the beginning of the per-run stream (not "now"), so the ledger can
  // expect seq 1.. regardless of when the server registered the stream. External servers: no
  // Last-Event-ID until they sent an id, as a browser would (their ids are theirs to define).
  let lastEventId = external ? "" : INITIAL_CURSOR;
  let retryMs = DEFAULT_SSE_RETRY_MS;
  let firstConnect = true;

  const handleEvent = (event: SseEvent): void => {
    if (event.type === "reset") {
      // Announced before the push events it precedes, so the caller hears of the gap first.
      ctx.stats.resets += 1;
      ctx.onReset?.(userId);
    } else if (event.type === "push" || (external && event.type === "message")) {
      let notification: unknown;
      try {
        notification = JSON.parse(event.data);
      } catch {
        // Ours always send JSON. An external server may send a plain-text greeting as an
        // unnamed event; it is no notification, and counting it as an error would charge
        // every connect with one.
        if (!external) ctx.stats.errors += 1;
        return;
      }
      ctx.onNotifications(userId, [notification]);
    } else if (event.type === "count" && !external) {
      // Our servers send `count` right after they have registered the stream: connected.
      life.markConnected();
    }
  };

  /** One connection attempt; it ends exactly once. */
  const connect = (isCurrent: () => boolean): void => {
    ctx.stats.requests += 1;
    if (!firstConnect) ctx.stats.reconnects += 1;
    firstConnect = false;
    let ended = false;
    const end = (how: Disruption): void => {
      if (ended || !isCurrent()) return;
      ended = true;
      life.setInFlight(null);
      life.disrupted(how);
    };
    const url = streamUrl(life.route.current(), userId);
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (lastEventId !== "") headers["last-event-id"] = lastEventId;
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      method: "GET",
      agent: life.agent,
      headers,
    });
    life.setInFlight(() => req.destroy());
    req.on("error", (error) =>
      end({ error: true, network: true, reason: describeNetworkError(error), delayMs: retryMs }),
    );
    req.on("response", (res) => {
      if (!isCurrent()) {
        res.destroy();
        return;
      }
      const contentType = res.headers["content-type"] ?? "";
      if (res.statusCode !== 200 || !contentType.startsWith("text/event-stream")) {
        res.resume();
        end({
          error: true,
          network: false,
          reason: `HTTP ${res.statusCode}${res.statusCode === 200 ? `, content-type ${contentType}` : ""}`,
          delayMs: retryDelayMs(res.headers["retry-after"], retryMs),
        });
        return;
      }
      ctx.onConnected?.(userId);
      if (external) life.markConnected();
      const parser = createSseParser({
        // Carried over so an event without `id:` keeps the id we resume from (the spec's buffer).
        lastEventId,
        onEvent: (event) => {
          if (!isCurrent()) return;
          lastEventId = event.lastEventId;
          handleEvent(event);
        },
        onRetry: (ms) => {
          retryMs = ms;
        },
      });
      res.on("data", (chunk: Buffer) => {
        if (!isCurrent()) return;
        life.throttle.consume(res, chunk.length);
        parser.push(chunk);
      });
      res.on("error", (error) =>
        end({ error: true, network: true, reason: describeNetworkError(error), delayMs: retryMs }),
      );
      // Cut mid-stream (instance killed, connection reset) ends in close without end.
      res.on("close", () => {
        if (!res.complete) {
          end({
            error: true,
            network: true,
            reason: "network error: stream cut",
            delayMs: retryMs,
          });
        }
      });
      res.on("end", () => {
        parser.end();
        // A stream the server ended (restart, shutdown, backpressure cut) is resumed, not an error.
        end({
          error: false,
          network: false,
          reason: "stream ended by the server",
          delayMs: retryMs,
        });
      });
    });
    req.end();
  };

  return life.client;
}
