/**
 * WebSocket: one socket per client (the `ws` package), resumed with `?after=<last push id>`
 * after any disconnect, as a browser page with `new WebSocket(url)` would (browsers cannot set
 * headers on a WebSocket). Counted like the others: the upgrade request goes through the client's
 * own counted agent (WireCounter.track sees the socket), so the upgrade request and response,
 * frame headers, the 4-byte masks of what the client sends, pings, pongs and closes are all socket
 * bytes; after the upgrade the socket leaves the agent's pool and is the client's alone.
 *
 * Close codes: 1000 (normal), 1001 (going away: server shutdown) and 1012 (service restart) end
 * cleanly and are resumed after the reconnect delay, like an SSE stream the server ended; 1006
 * (no close frame: the server died or the network cut) is a network error and fails over to the
 * next instance; anything else (1008 a cut slow consumer, 1011, 1013, 4xxx) is an error with
 * backoff, still resumed from the last id. The reconnect delay is EventSource's default (2 s),
 * so the two push strategies recover on the same terms.
 *
 * Bounded (ClientBounds): headers and time to the upgrade answer, one message (the SSE event
 * bound, as `maxPayload`), silence (no message nor ping for the SSE idle bound; our server pings
 * every heartbeat). Read throttling pauses the raw socket, so the server's send buffer fills.
 */
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import WebSocket from "ws";
import { formatBytes, formatMs } from "./client-bounds.ts";
import {
  type ClientContext,
  countError,
  describeNetworkError,
  type Endpoint,
  hasRetryAfter,
  retryDelayMs,
  type SimulatedClient,
} from "./client-context.ts";
import { createConnectionLifecycle, type Disruption } from "./connection-lifecycle.ts";
import { isExternal } from "./endpoint-rotation.ts";
import { isRedirect, redirectReason } from "./get-json.ts";
import { EXTERNAL_INITIAL_CURSOR, INITIAL_CURSOR } from "./polling-client.ts";
import { DEFAULT_SSE_RETRY_MS } from "./sse-client.ts";

/** Wait before reconnecting after the socket ended: EventSource's default, as for SSE. */
export const WEBSOCKET_RECONNECT_MS = DEFAULT_SSE_RETRY_MS;

export interface WebSocketClientOptions {
  /** Index into `ctx.endpoints` this client starts at (default 0). */
  endpointIndex?: number;
  /** Wait before reconnecting after the socket ended, ms (default WEBSOCKET_RECONNECT_MS). */
  reconnectMs?: number;
}

/** RFC 6455 7.4.1 names, for error reasons people can read. */
const CLOSE_NAMES: Readonly<Record<number, string>> = {
  1000: "normal",
  1001: "going away",
  1002: "protocol error",
  1003: "unsupported data",
  1005: "no status",
  1006: "abnormal",
  1007: "invalid data",
  1008: "policy violation",
  1009: "message too big",
  1011: "internal error",
  1012: "service restart",
  1013: "try again later",
};

/** Close codes after which the client simply resumes: the server ended the socket on purpose. */
const CLEAN_CLOSES = new Set([1000, 1001, 1005, 1012]);

function socketUrl(endpoint: Endpoint, userId: string, cursor: string): URL {
  if (endpoint.kind === "template") return endpoint.subscribe.expand({ userId, cursor });
  const url = new URL(`/api/notifications/${encodeURIComponent(userId)}/ws`, endpoint.baseUrl);
  url.searchParams.set("after", cursor);
  // Behind nginx with --tls the base is https: and the socket wss: (same agent, TLS).
  url.protocol = endpoint.baseUrl.protocol === "https:" ? "wss:" : "ws:";
  return url;
}

/** "closed by the server: 1008 policy violation (stalled)": the code, its name, the reason's tag. */
export function describeClose(code: number, reason: string): string {
  const name = CLOSE_NAMES[code] ?? (code >= 4000 ? "application code" : "code");
  // Our reasons are "<tag>: <detail with numbers>"; only the tag, so reasons stay few.
  const tag = reason.split(":")[0]?.trim().slice(0, 40) ?? "";
  return `WebSocket closed by the server: ${code} ${name}${tag === "" ? "" : ` (${tag})`}`;
}

export function createWebSocketClient(
  ctx: ClientContext,
  userId: string,
  options: WebSocketClientOptions = {},
): SimulatedClient {
  const life = createConnectionLifecycle(ctx, userId, options, (isCurrent) => connect(isCurrent));
  const external = isExternal(life.route.current());
  const bounds = ctx.bounds;
  const reconnectMs = options.reconnectMs ?? WEBSOCKET_RECONNECT_MS;
  // Our servers: from the beginning of the per-run stream, so the ledger can expect seq 1..;
  // external servers: no cursor until they sent an id.
  let cursor = external ? EXTERNAL_INITIAL_CURSOR : INITIAL_CURSOR;
  let firstConnect = true;

  /** Handles one text message; false when it breaks our protocol (the socket is ended). */
  const handleMessage = (text: string): string | null => {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      // An external server may greet in plain text; it is no notification.
      return external ? null : "WebSocket message is not JSON";
    }
    const fields =
      typeof message === "object" && message !== null ? (message as Record<string, unknown>) : {};
    const id = fields.id;
    if (typeof id === "string" && id.length <= bounds.maxCursorBytes && !id.includes("\0")) {
      cursor = id;
    }
    switch (fields.type) {
      case "reset":
        // Announced before the push messages it precedes, so the caller hears of the gap first.
        ctx.stats.resets += 1;
        ctx.onReset?.(userId);
        return null;
      case "count":
        // Our servers send `count` once the socket is registered: connected.
        if (!external) life.markConnected();
        return null;
      case "push":
        ctx.onNotifications(userId, [external ? message : fields.data]);
        return null;
      default:
        if (!external) return "WebSocket message of unknown type";
        ctx.onNotifications(userId, [message]);
        return null;
    }
  };

  /** One connection attempt; it ends exactly once. */
  const connect = (isCurrent: () => boolean): void => {
    ctx.stats.requests += 1;
    if (!firstConnect) ctx.stats.reconnects += 1;
    firstConnect = false;
    let ended = false;
    let opened = false;
    let messages = 0;
    let idleTimer: NodeJS.Timeout | undefined;
    let lastFrameAt = performance.now();
    let socket: Socket | undefined;
    const ws = new WebSocket(socketUrl(life.route.current(), userId, cursor), {
      agent: life.agent,
      perMessageDeflate: false,
      followRedirects: false,
      maxPayload: bounds.maxSseEventBytes,
      handshakeTimeout: bounds.firstByteTimeoutMs + bounds.headerTimeoutMs,
      maxHeaderSize: bounds.maxHeaderBytes,
    } as WebSocket.ClientOptions);
    const end = (how: Disruption): void => {
      clearTimeout(idleTimer);
      if (ended) return;
      ended = true;
      life.throttle.release();
      ws.terminate();
      if (!isCurrent()) return;
      life.setInFlight(null);
      life.disrupted(how);
    };
    life.setInFlight(() => {
      clearTimeout(idleTimer);
      ended = true;
      life.throttle.release();
      ws.terminate();
    });
    ws.on("unexpected-response", (req, res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const retryAfter = res.headers["retry-after"];
      // The server refused before the upgrade (429 at the cap, 503 Redis down, 4xx bad input).
      res.resume();
      req.destroy();
      end(
        isRedirect(status)
          ? {
              error: true,
              network: false,
              reason: redirectReason(status, res.headers.location),
              delayMs: reconnectMs,
            }
          : {
              error: true,
              network: false,
              reason: `HTTP ${status}`,
              delayMs: retryDelayMs(retryAfter, reconnectMs, bounds),
              serverDirected: hasRetryAfter(retryAfter),
            },
      );
    });
    ws.on("upgrade", (res: IncomingMessage) => {
      socket = res.socket as Socket;
    });
    ws.on("open", () => {
      if (!isCurrent() || ended) return;
      opened = true;
      lastFrameAt = performance.now();
      // Socket level, so the throttle sees frame bytes and pausing stops the kernel reads. Added
      // only now: before ws's own listener, a listener would take the bytes that came with the 101.
      const raw = socket;
      raw?.on("data", (chunk: Buffer) => {
        if (!ended) life.throttle.consume(raw, chunk.length);
      });
      ctx.onConnected?.(userId);
      if (external) life.markConnected();
      idleTimer = setTimeout(checkIdle, bounds.sseIdleTimeoutMs);
    });
    const alive = (): void => {
      lastFrameAt = performance.now();
    };
    ws.on("ping", alive);
    ws.on("pong", alive);
    ws.on("message", (data: WebSocket.RawData) => {
      if (!isCurrent() || ended) return;
      alive();
      // The socket speaks: a failure from here on is a first one again.
      if (messages === 0) life.succeeded();
      messages += 1;
      const text = Buffer.isBuffer(data)
        ? data.toString("utf8")
        : Array.isArray(data)
          ? Buffer.concat(data).toString("utf8")
          : Buffer.from(data).toString("utf8");
      const problem = handleMessage(text);
      if (problem !== null) countError(ctx.stats, problem);
    });
    /** A silent socket is a dead one; the clock waits while we read slowly on purpose. */
    const checkIdle = (): void => {
      if (ended) return;
      const idleMs = bounds.sseIdleTimeoutMs;
      if (life.throttle.bytesPerSec !== null) lastFrameAt = performance.now();
      else if (performance.now() - lastFrameAt >= idleMs - 1) {
        end({
          error: true,
          network: true,
          reason: `no WebSocket frame for ${formatMs(idleMs)}`,
          delayMs: reconnectMs,
        });
        return;
      }
      idleTimer = setTimeout(checkIdle, Math.max(1, idleMs - (performance.now() - lastFrameAt)));
    };
    ws.on("error", (error: NodeJS.ErrnoException) => {
      if (!isCurrent() || ended) return;
      end({
        error: true,
        network: !opened || error.code === undefined,
        reason: describeWsError(error, opened, bounds),
        delayMs: reconnectMs,
      });
    });
    ws.on("close", (code: number, reasonBuffer: Buffer) => {
      if (!isCurrent() || ended) return;
      if (code === 1006) {
        end({
          error: true,
          network: true,
          reason: opened
            ? "network error: WebSocket cut"
            : "network error: closed before the upgrade",
          delayMs: reconnectMs,
        });
        return;
      }
      const reason = describeClose(code, reasonBuffer.toString("utf8"));
      if (messages === 0) {
        end({
          error: true,
          network: false,
          reason: `${reason} before any message`,
          delayMs: reconnectMs,
        });
        return;
      }
      end({
        error: !CLEAN_CLOSES.has(code),
        network: false,
        reason,
        delayMs: reconnectMs,
      });
    });
  };

  return life.client;
}

/** A readable reason for a ws 'error' (bounds crossed have their own wording). */
function describeWsError(
  error: NodeJS.ErrnoException,
  opened: boolean,
  bounds: {
    maxSseEventBytes: number;
    maxHeaderBytes: number;
    firstByteTimeoutMs: number;
    headerTimeoutMs: number;
  },
): string {
  if (error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
    return `WebSocket message over ${formatBytes(bounds.maxSseEventBytes)}`;
  }
  if (error.code === "HPE_HEADER_OVERFLOW") {
    return `response headers over ${formatBytes(bounds.maxHeaderBytes)}`;
  }
  if (error.code?.startsWith("WS_ERR_") === true) return `WebSocket protocol error ${error.code}`;
  if (!opened && error.message.includes("handshake has timed out")) {
    return `no upgrade answer within ${formatMs(bounds.firstByteTimeoutMs + bounds.headerTimeoutMs)}`;
  }
  if (!opened && error.code === undefined) {
    // "Invalid Sec-WebSocket-Accept header" and the like: the server's answer broke the handshake.
    return `WebSocket handshake failed: ${error.message.slice(0, 80)}`;
  }
  return describeNetworkError(error);
}
