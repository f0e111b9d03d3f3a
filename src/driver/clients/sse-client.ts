/**
 * SSE: one long-lived stream per client, parsed by the spec-compliant event-stream parser.
 * When the stream ends or fails the client waits the server's `retry` hint and reconnects with
 * `Last-Event-ID`, exactly as a browser's EventSource does, so resume is measured, not assumed.
 *
 * Bounded (ClientBounds): headers, time to the first byte and to the end of the headers, the
 * size of a line and of an event, and the time without a complete line once the stream is open
 * (a stalled stream is a disconnected one). Crossing one cuts the stream, counts an error with
 * its reason and reconnects as after any other error. `retry:` is clamped, an oversized or NUL
 * `id:` ignored, invalid UTF-8 replaced (all counted, once per stream); a redirect is never
 * followed.
 */
import type http from "node:http";
import { createSseParser, type SseEvent, SseLimitError } from "../sse-parser.ts";
import { type ClientBounds, formatBytes, formatMs } from "./client-bounds.ts";
import {
  type ClientContext,
  countError,
  type Endpoint,
  hasRetryAfter,
  retryDelayMs,
  type SimulatedClient,
} from "./client-context.ts";
import { createConnectionLifecycle, type Disruption } from "./connection-lifecycle.ts";
import { isExternal } from "./endpoint-rotation.ts";
import { describeRequestError, isRedirect, redirectReason } from "./get-json.ts";
import { INITIAL_CURSOR } from "./polling-client.ts";
import { startRequestClocks } from "./request-clocks.ts";
import { sendHttp1Request } from "./send-request.ts";

/** EventSource's usual default before the server sends a `retry:` field. */
export const DEFAULT_SSE_RETRY_MS = 2000;

/** An error answer's body is read (so the socket can be kept) up to this much, then cut. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export interface SseClientOptions {
  /** Index into `ctx.endpoints` this client starts at (default 0). */
  endpointIndex?: number;
}

function streamUrl(endpoint: Endpoint, userId: string): URL {
  return endpoint.kind === "server"
    ? new URL(`/api/notifications/${encodeURIComponent(userId)}/sse`, endpoint.baseUrl)
    : endpoint.subscribe.expand({ userId });
}

/** A server's `retry:` within the bounds, and what was changed, if anything. */
export function clampRetry(
  ms: number,
  bounds: Pick<ClientBounds, "retryMinMs" | "retryMaxMs">,
): { ms: number; note: string | null } {
  if (ms < bounds.retryMinMs) {
    return {
      ms: bounds.retryMinMs,
      note: `SSE retry below ${formatMs(bounds.retryMinMs)} raised to ${formatMs(bounds.retryMinMs)}`,
    };
  }
  if (!(ms <= bounds.retryMaxMs)) {
    return {
      ms: bounds.retryMaxMs,
      note: `SSE retry above ${formatMs(bounds.retryMaxMs)} lowered to ${formatMs(bounds.retryMaxMs)}`,
    };
  }
  return { ms, note: null };
}

export function createSseClient(
  ctx: ClientContext,
  userId: string,
  options: SseClientOptions = {},
): SimulatedClient {
  const life = createConnectionLifecycle(ctx, userId, options, (isCurrent) => connect(isCurrent));
  const external = isExternal(life.route.current());
  const bounds = ctx.bounds;
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
        if (!external) countError(ctx.stats, "SSE push event is not JSON");
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
    let idleTimer: NodeJS.Timeout | undefined;
    /** Problems that do not end the stream are counted once per stream. */
    const noted = new Set<string>();
    const note = (reason: string): void => {
      if (noted.has(reason)) return;
      noted.add(reason);
      countError(ctx.stats, reason);
    };
    const url = streamUrl(life.route.current(), userId);
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (lastEventId !== "") headers["last-event-id"] = lastEventId;
    const req = (ctx.sendRequest ?? sendHttp1Request)(url, {
      agent: life.agent,
      headers,
      maxHeaderSize: bounds.maxHeaderBytes,
    });
    const end = (how: Disruption, cut = false): void => {
      clocks.done();
      clearTimeout(idleTimer);
      if (ended) return;
      ended = true;
      if (cut) req.destroy();
      if (!isCurrent()) return;
      life.setInFlight(null);
      life.disrupted(how);
    };
    const clocks = startRequestClocks(req, {
      firstByteMs: bounds.firstByteTimeoutMs,
      headerMs: bounds.headerTimeoutMs,
      answerMs: null,
      throttle: life.throttle,
      onTimeout: (reason) => end({ error: true, network: true, reason, delayMs: retryMs }, true),
    });
    life.setInFlight(() => {
      clocks.done();
      clearTimeout(idleTimer);
      ended = true;
      req.destroy();
    });
    req.on("error", (error: NodeJS.ErrnoException) =>
      end({
        error: true,
        network: true,
        reason: describeRequestError(error, bounds),
        delayMs: retryMs,
      }),
    );
    req.on("response", (res) => {
      clocks.headersArrived();
      if (!isCurrent() || ended) {
        res.destroy();
        return;
      }
      const status = res.statusCode ?? 0;
      const contentType = res.headers["content-type"];
      if (isRedirect(status)) {
        end(
          {
            error: true,
            network: false,
            reason: redirectReason(status, res.headers.location),
            delayMs: retryMs,
          },
          true,
        );
        return;
      }
      if (status !== 200 || !contentType?.startsWith("text/event-stream")) {
        drainErrorBody(res, bounds.answerTimeoutMs);
        const reason =
          status !== 200
            ? `HTTP ${status}`
            : contentType === undefined
              ? "HTTP 200 without a content-type, not text/event-stream"
              : `HTTP 200 with content-type ${contentType}, not text/event-stream`;
        end({
          error: true,
          network: false,
          reason,
          delayMs: retryDelayMs(res.headers["retry-after"], retryMs, bounds),
          serverDirected: hasRetryAfter(res.headers["retry-after"]),
        });
        return;
      }
      ctx.onConnected?.(userId);
      if (external) life.markConnected();
      let lines = 0;
      let bytesSinceLine = 0;
      let lastLineAt = performance.now();
      const parser = createSseParser({
        // Carried over so an event without `id:` keeps the id we resume from (the spec's buffer).
        lastEventId,
        maxLineLength: bounds.maxSseLineBytes,
        maxEventLength: bounds.maxSseEventBytes,
        maxIdLength: bounds.maxCursorBytes,
        onEvent: (event) => {
          if (!isCurrent()) return;
          lastEventId = event.lastEventId;
          handleEvent(event);
        },
        onRetry: (ms) => {
          const clamped = clampRetry(ms, bounds);
          if (clamped.note !== null) note(clamped.note);
          retryMs = clamped.ms;
        },
        onLine: () => {
          // The stream speaks: it is alive, and a failure from here on is a first one again.
          if (lines === 0) life.succeeded();
          lines += 1;
          bytesSinceLine = 0;
          lastLineAt = performance.now();
        },
        onIgnoredId: (why) =>
          note(
            why === "nul"
              ? "SSE id with NUL ignored"
              : `SSE id over ${formatBytes(bounds.maxCursorBytes)} ignored`,
          ),
        onInvalidUtf8: () => note("SSE stream is not valid UTF-8"),
      });
      /** A stalled stream is a disconnected one; the clock waits while we read slowly on purpose. */
      const checkIdle = (): void => {
        if (ended) return;
        const idleMs = bounds.sseIdleTimeoutMs;
        const since = performance.now() - lastLineAt;
        if (life.throttle.bytesPerSec !== null) lastLineAt = performance.now();
        else if (since >= idleMs - 1) {
          const reason =
            bytesSinceLine === 0
              ? `no bytes for ${formatMs(idleMs)}`
              : `no complete line for ${formatMs(idleMs)}`;
          end({ error: true, network: true, reason, delayMs: retryMs }, true);
          return;
        }
        idleTimer = setTimeout(checkIdle, Math.max(1, idleMs - (performance.now() - lastLineAt)));
      };
      idleTimer = setTimeout(checkIdle, bounds.sseIdleTimeoutMs);
      res.on("data", (chunk: Buffer) => {
        if (!isCurrent() || ended) return;
        life.throttle.consume(res, chunk.length);
        bytesSinceLine += chunk.length;
        try {
          parser.push(chunk);
        } catch (error) {
          if (!(error instanceof SseLimitError)) throw error;
          const limit = error.what === "line" ? bounds.maxSseLineBytes : bounds.maxSseEventBytes;
          end(
            {
              error: true,
              network: false,
              reason: `SSE ${error.what} over ${formatBytes(limit)}`,
              delayMs: retryMs,
            },
            true,
          );
        }
      });
      // Cut mid-stream (instance killed, connection reset) ends in an "aborted" error, or in
      // close without end.
      const cut = (): void =>
        end({
          error: true,
          network: true,
          reason: lines === 0 ? "SSE stream closed before any event" : "network error: stream cut",
          delayMs: retryMs,
        });
      res.on("error", cut);
      res.on("close", () => {
        if (!res.complete) cut();
      });
      res.on("end", () => {
        if (!ended) parser.end();
        // A stream the server ended (restart, shutdown, backpressure cut) is resumed, not an
        // error; one that ended before it said anything is (it would otherwise loop at once).
        end(
          lines === 0
            ? {
                error: true,
                network: false,
                reason: "SSE stream closed before any event",
                delayMs: retryMs,
              }
            : {
                error: false,
                network: false,
                reason: "stream ended by the server",
                delayMs: retryMs,
              },
        );
      });
    });
    req.end();
  };

  return life.client;
}

/**
 * Reads and drops an error answer's body so the kept-alive socket can serve the next attempt,
 * but never more than MAX_ERROR_BODY_BYTES nor for longer than `maxMs`: an endless error body
 * is cut.
 */
function drainErrorBody(res: http.IncomingMessage, maxMs: number): void {
  let bytes = 0;
  const timer = setTimeout(() => res.destroy(), maxMs);
  res.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > MAX_ERROR_BODY_BYTES) res.destroy();
  });
  res.on("close", () => clearTimeout(timer));
  res.on("error", () => {});
}
