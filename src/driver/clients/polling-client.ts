/**
 * The loop both polling strategies share: ask for everything after the cursor, hand what came
 * to the caller, carry the cursor forward, wait, ask again. Short and long polling differ only
 * in the route and in how long they wait before the next request.
 */
import {
  type ClientContext,
  type Endpoint,
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
   * has reached the server, not only when one is answered, which may take a whole hold.
   */
  holdsRequests?: boolean;
}

interface PollAnswer {
  notifications: unknown[];
  cursor: string;
  reset: boolean;
}

function toPollAnswer(body: unknown): PollAnswer | null {
  if (typeof body !== "object" || body === null) return null;
  const b = body as { notifications?: unknown; cursor?: unknown; reset?: unknown };
  if (!Array.isArray(b.notifications)) return null;
  // An external server may number its cursor; it goes back into the URL as text either way.
  const cursor =
    typeof b.cursor === "string"
      ? b.cursor
      : typeof b.cursor === "number" && Number.isFinite(b.cursor)
        ? String(b.cursor)
        : null;
  if (cursor === null) return null;
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

  const urlFor = (endpoint: Endpoint): URL =>
    endpoint.kind === "server"
      ? new URL(behaviour.pathFor(userId, cursor, life.connecting), endpoint.baseUrl)
      : endpoint.subscribe.expand({ userId, cursor });

  const failed = (reason: string, delayMs: number, network = false): void =>
    life.disrupted({ error: true, network, reason, delayMs });

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
    const request = getJson(ctx.stats, life.agent, urlFor(endpoint), life.throttle, onSent);
    life.setInFlight(() => request.abort());
    void request.outcome.then((outcome) => {
      if (!isCurrent()) return;
      life.setInFlight(null);
      if (outcome.kind === "network-error") {
        // The instance may be gone: the next attempt goes to the next endpoint, if any.
        failed(outcome.reason, POLL_ERROR_BACKOFF_MS, true);
        return;
      }
      if (outcome.kind === "bad-answer") {
        failed(outcome.reason, POLL_ERROR_BACKOFF_MS);
        return;
      }
      const answer =
        outcome.status >= 200 && outcome.status < 300 ? toPollAnswer(outcome.body) : null;
      if (answer === null) {
        const reason =
          outcome.status >= 200 && outcome.status < 300
            ? `HTTP ${outcome.status}, not a poll answer ({notifications: [...], cursor})`
            : `HTTP ${outcome.status}`;
        failed(reason, retryDelayMs(outcome.retryAfter, POLL_ERROR_BACKOFF_MS));
        return;
      }
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
      life.schedule(behaviour.nextDelayMs());
    });
  };

  return life.client;
}
