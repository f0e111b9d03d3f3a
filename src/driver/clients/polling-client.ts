/**
 * The loop both polling strategies share: ask for everything after the cursor, hand what came
 * to the caller, carry the cursor forward, wait, ask again. Short and long polling differ only
 * in the route and in how long they wait before the next request.
 */
import { formatBytes } from "./client-bounds.ts";
import {
  type ClientContext,
  countError,
  type Endpoint,
  hasRetryAfter,
  retryDelayMs,
  type SimulatedClient,
} from "./client-context.ts";
import { createConnectionLifecycle } from "./connection-lifecycle.ts";
import { isExternal } from "./endpoint-rotation.ts";
import { getJson } from "./get-json.ts";

/** Every client starts at the beginning of its (fresh, per-run) stream, so the ledger can expect seq 1.. */
export const INITIAL_CURSOR = "0-0";

/**
 * First cursor against an external server: empty ("no cursor"), because its cursor format is
 * unknown; it answers from "now" and the driver only publishes once every client is connected.
 */
export const EXTERNAL_INITIAL_CURSOR = "";

/** Backoff after a network error or a 5xx without Retry-After. */
export const POLL_ERROR_BACKOFF_MS = 1000;

export interface PollingBehaviour {
  /** Our servers: path and query for the next request from `cursor`; `first` is the connect request. */
  pathFor(userId: string, cursor: string, first: boolean): string;
  /** Wait before the next request after a successful answer. */
  nextDelayMs(): number;
  /**
   * The server may hold the request (long polling): the client is connected once a request
   * has reached the server, not only when one is answered, which may take a whole hold. The
   * time bounds of an answer then start after `holdMs`.
   */
  holdsRequests?: boolean;
  /** How long the server may hold a request (long polling), ms; 0 otherwise. */
  holdMs?: number;
}

interface PollAnswer {
  notifications: unknown[];
  cursor: string;
  reset: boolean;
}

/** What the client expects, for error reasons. */
const POLL_SHAPE = "{notifications: [...], cursor}";

function describeCursor(cursor: unknown): string {
  if (cursor === undefined) return "missing";
  if (cursor === null) return "null";
  if (Array.isArray(cursor)) return "an array";
  if (typeof cursor === "number") return "not a finite number";
  return typeof cursor === "object" ? "an object" : `a ${typeof cursor}`;
}

/** The answer, or why it is not one. */
export function toPollAnswer(body: unknown): PollAnswer | { problem: string } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { problem: `not a poll answer ${POLL_SHAPE}` };
  }
  const b = body as { notifications?: unknown; cursor?: unknown; reset?: unknown };
  if (!Array.isArray(b.notifications)) {
    return { problem: `poll answer without a notifications array ${POLL_SHAPE}` };
  }
  // An external server may number its cursor; it goes back into the URL as text either way.
  const cursor =
    typeof b.cursor === "string"
      ? b.cursor
      : typeof b.cursor === "number" && Number.isFinite(b.cursor)
        ? String(b.cursor)
        : null;
  if (cursor === null) {
    return { problem: `poll answer's cursor is ${describeCursor(b.cursor)}, not a string` };
  }
  return { notifications: b.notifications, cursor, reset: b.reset === true };
}

export interface PollingClientOptions {
  /** Index into `ctx.endpoints` this client starts at (default 0). */
  endpointIndex?: number;
}

export function createPollingClient(
  ctx: ClientContext,
  userId: string,
  behaviour: PollingBehaviour,
  options: PollingClientOptions = {},
): SimulatedClient {
  const life = createConnectionLifecycle(ctx, userId, options, (isCurrent) => poll(isCurrent));
  let cursor = isExternal(life.route.current()) ? EXTERNAL_INITIAL_CURSOR : INITIAL_CURSOR;
  /** Header cursors: what the last answer said, sent back on the next request. */
  let cursorHeaders: { lastModified?: string; etag?: string } = {};
  const usesHeaderCursor = (endpoint: Endpoint): boolean =>
    endpoint.kind === "template" && endpoint.cursorMode === "headers";

  const urlFor = (endpoint: Endpoint): URL =>
    endpoint.kind === "server"
      ? new URL(behaviour.pathFor(userId, cursor, life.connecting), endpoint.baseUrl)
      : endpoint.subscribe.expand({ userId, cursor });

  const failed = (reason: string, delayMs: number, network = false, serverDirected = false): void =>
    life.disrupted({ error: true, network, reason, delayMs, serverDirected });
  const errorDelayMs = (retryAfter?: string): number =>
    retryDelayMs(retryAfter, POLL_ERROR_BACKOFF_MS, ctx.bounds);

  const poll = (isCurrent: () => boolean): void => {
    const endpoint = life.route.current();
    // A template's long poll may hold its first request until something arrives; against an
    // external server "connected" therefore means the request reached it, not that it answered.
    const onSent =
      behaviour.holdsRequests === true || endpoint.kind === "template"
        ? () => {
            if (!isCurrent()) return;
            if (behaviour.holdsRequests === true) ctx.onConnected?.(userId);
            if (endpoint.kind === "template") life.markConnected();
          }
        : undefined;
    const sentCursor = cursor;
    const headerMode = usesHeaderCursor(endpoint);
    const request = getJson({
      ...(headerMode ? { cursorHeaders } : {}),
      stats: ctx.stats,
      agent: life.agent,
      url: urlFor(endpoint),
      throttle: life.throttle,
      bounds: ctx.bounds,
      holdMs: behaviour.holdsRequests === true ? (behaviour.holdMs ?? 0) : 0,
      ...(ctx.sendRequest ? { sendRequest: ctx.sendRequest } : {}),
      ...(onSent ? { onSent } : {}),
    });
    life.setInFlight(() => request.abort());
    void request.outcome.then((outcome) => {
      if (!isCurrent()) return;
      life.setInFlight(null);
      if (outcome.kind === "network-error") {
        // The instance may be gone: the next attempt goes to the next endpoint, if any.
        failed(outcome.reason, errorDelayMs(), true);
        return;
      }
      if (outcome.kind === "bad-answer") {
        failed(outcome.reason, errorDelayMs());
        return;
      }
      if (headerMode && outcome.status === 304) {
        headerAnswer(outcome); // "nothing new" in the header-cursor protocol, not an error
        return;
      }
      if (outcome.status < 200 || outcome.status >= 300) {
        const said = hasRetryAfter(outcome.retryAfter);
        failed(`HTTP ${outcome.status}`, errorDelayMs(outcome.retryAfter), false, said);
        return;
      }
      if (headerMode) {
        headerAnswer(outcome);
        return;
      }
      const answer = toPollAnswer(outcome.body);
      if ("problem" in answer) {
        failed(`HTTP ${outcome.status}, ${answer.problem}`, errorDelayMs());
        return;
      }
      if (answer.cursor.length > ctx.bounds.maxCursorBytes) {
        // It would go back into the URL of every later poll.
        failed(`cursor over ${formatBytes(ctx.bounds.maxCursorBytes)}`, errorDelayMs());
        return;
      }
      if (outcome.invalidUtf8) countError(ctx.stats, "poll answer is not valid UTF-8");
      ctx.onConnected?.(userId);
      // The gap is announced before the notifications that follow it.
      if (answer.reset) {
        ctx.stats.resets += 1;
        ctx.onReset?.(userId);
      }
      if (answer.notifications.length === 0) ctx.stats.emptyResponses += 1;
      else ctx.onNotifications(userId, answer.notifications);
      cursor = answer.cursor;
      life.markConnected();
      if (answer.notifications.length > 0 && answer.cursor === sentCursor) {
        // The next poll would get the same notifications again, at once for a long poll: a
        // loop. What arrived is handed on (the ledger counts the duplicates); the next poll
        // waits as after an error, backing off while it lasts.
        failed("cursor did not advance past the notifications it answered", errorDelayMs());
        return;
      }
      life.succeeded();
      life.schedule(behaviour.nextDelayMs());
    });
  };

  /**
   * A header-cursor answer: 304 = nothing new; 200 = one notification (the body, whatever its
   * shape: the caller finds the driver's marker in it), its Last-Modified / ETag the next cursor.
   */
  const headerAnswer = (
    outcome: Extract<Awaited<ReturnType<typeof getJson>["outcome"]>, { kind: "answer" }>,
  ): void => {
    const next = outcome.cursorHeaders ?? {};
    if (outcome.status !== 304) {
      if (next.lastModified === undefined && next.etag === undefined) {
        failed(
          `HTTP ${outcome.status} without Last-Modified or ETag: a header-cursor target must send one (or use --target-cursor url)`,
          errorDelayMs(),
        );
        return;
      }
      const same =
        next.lastModified === cursorHeaders.lastModified && next.etag === cursorHeaders.etag;
      if (outcome.invalidUtf8) countError(ctx.stats, "poll answer is not valid UTF-8");
      ctx.onConnected?.(userId);
      ctx.onNotifications(userId, [outcome.body]);
      cursorHeaders = next;
      life.markConnected();
      if (same) {
        failed("cursor did not advance past the notifications it answered", errorDelayMs());
        return;
      }
    } else {
      ctx.onConnected?.(userId);
      ctx.stats.emptyResponses += 1;
      life.markConnected();
    }
    life.succeeded();
    life.schedule(behaviour.nextDelayMs());
  };

  return life.client;
}
