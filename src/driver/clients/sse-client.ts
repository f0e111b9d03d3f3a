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
import { createEndpointRotation, isExternal } from "./endpoint-rotation.ts";
import { INITIAL_CURSOR } from "./polling-client.ts";
import { ReadThrottle } from "./read-throttle.ts";

/** EventSource's usual default before the server sends a `retry:` field. */
export const DEFAULT_SSE_RETRY_MS = 2000;

export interface SseClientOptions {
  /** Index into `ctx.endpoints` this client starts at (default 0). */
  endpointIndex?: number;
}

/** How one connection attempt ended; each attempt ends exactly once. */
interface StreamEnd {
  /** Counts in `stats.errors` (a stream the server closed cleanly does not). */
  error: boolean;
  /** Network-level: the next attempt goes to the next endpoint. */
  network: boolean;
  reason: string;
  delayMs: number;
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
  const route = createEndpointRotation(ctx.endpoints, options.endpointIndex ?? 0);
  const external = isExternal(route.current());
  // Our servers: start from the beginning of the per-run stream (not "now"), so the ledger can
  // expect seq 1.. regardless of when the server registered the stream. External servers: no
  // Last-Event-ID until they sent an id, as a browser would (their ids are theirs to define).
  let lastEventId = external ? "" : INITIAL_CURSOR;
  let retryMs = DEFAULT_SSE_RETRY_MS;
  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let request: http.ClientRequest | undefined;
  /** Bumped by every connect, drop() and stop(): events of an older attempt are ignored. */
  let attempt = 0;
  let connected: (() => void) | undefined;
  let firstConnect = true;
  const agent = ctx.createAgent();
  const throttle = new ReadThrottle();

  const markConnected = (): void => {
    connected?.();
    connected = undefined;
  };

  const scheduleConnect = (delayMs: number): void => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(connect, delayMs);
  };

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
      markConnected();
    }
  };

  const connect = (): void => {
    timer = undefined;
    if (stopped) return;
    const thisAttempt = ++attempt;
    const isCurrent = (): boolean => thisAttempt === attempt && !stopped;
    ctx.stats.requests += 1;
    if (!firstConnect) ctx.stats.reconnects += 1;
    firstConnect = false;
    let ended = false;
    const end = (how: StreamEnd): void => {
      if (ended || !isCurrent()) return;
      ended = true;
      request = undefined;
      if (how.error) ctx.stats.errors += 1;
      if (how.network) route.failover();
      ctx.onDisrupted?.(userId, how.reason);
      scheduleConnect(how.delayMs);
    };
    const url = streamUrl(route.current(), userId);
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (lastEventId !== "") headers["last-event-id"] = lastEventId;
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      method: "GET",
      agent,
      headers,
    });
    request = req;
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
      if (external) markConnected();
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
        throttle.consume(res, chunk.length);
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

  const cut = (): void => {
    attempt += 1;
    if (timer) clearTimeout(timer);
    timer = undefined;
    request?.destroy();
    request = undefined;
    throttle.release();
    agent.destroy();
  };

  return {
    userId,
    start() {
      started = true;
      return new Promise<void>((resolve) => {
        connected = resolve;
        connect();
      });
    },
    stop() {
      stopped = true;
      cut();
      markConnected();
    },
    drop(reconnectAfterMs) {
      if (!started || stopped) return;
      cut();
      ctx.onDisrupted?.(userId, "dropped");
      scheduleConnect(reconnectAfterMs);
    },
    setReadRate(bytesPerSec) {
      throttle.setRate(bytesPerSec);
    },
  };
}
