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
import { createEndpointRotation, isExternal } from "./endpoint-rotation.ts";
import { getJson, type JsonRequest } from "./get-json.ts";
import { ReadThrottle } from "./read-throttle.ts";

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
  const route = createEndpointRotation(ctx.endpoints, options.endpointIndex ?? 0);
  let cursor = isExternal(route.current()) ? EXTERNAL_INITIAL_CURSOR : INITIAL_CURSOR;
  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: JsonRequest | undefined;
  /** Bumped by every poll, drop() and stop(): answers of an older attempt are ignored. */
  let attempt = 0;
  let connected: (() => void) | undefined;
  const agent = ctx.createAgent();
  const throttle = new ReadThrottle();

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(poll, delayMs);
  };

  const urlFor = (endpoint: Endpoint): URL =>
    endpoint.kind === "server"
      ? new URL(behaviour.pathFor(userId, cursor, connected !== undefined), endpoint.baseUrl)
      : endpoint.subscribe.expand({ userId, cursor });

  const disrupted = (reason: string, delayMs: number): void => {
    ctx.stats.errors += 1;
    ctx.onDisrupted?.(userId, reason);
    schedule(delayMs);
  };

  const poll = (): void => {
    timer = undefined;
    if (stopped) return;
    const thisAttempt = ++attempt;
    const endpoint = route.current();
    // A template's long poll may hold its first request until something arrives; against an
    // external server "connected" therefore means the request reached it, not that it answered.
    const onSent =
      behaviour.holdsRequests === true || endpoint.kind === "template"
        ? () => {
            if (thisAttempt !== attempt || stopped) return;
            if (behaviour.holdsRequests === true) ctx.onConnected?.(userId);
            if (endpoint.kind === "template") {
              connected?.();
              connected = undefined;
            }
          }
        : undefined;
    const request = getJson(ctx.stats, agent, urlFor(endpoint), throttle, onSent);
    inFlight = request;
    void request.outcome.then((outcome) => {
      if (thisAttempt !== attempt || stopped) return;
      inFlight = undefined;
      if (outcome.kind === "network-error") {
        // The instance may be gone: the next attempt goes to the next endpoint, if any.
        route.failover();
        disrupted(outcome.reason, POLL_ERROR_BACKOFF_MS);
        return;
      }
      if (outcome.kind === "bad-answer") {
        disrupted(outcome.reason, POLL_ERROR_BACKOFF_MS);
        return;
      }
      const answer =
        outcome.status >= 200 && outcome.status < 300 ? toPollAnswer(outcome.body) : null;
      if (answer === null) {
        const reason =
          outcome.status >= 200 && outcome.status < 300
            ? `HTTP ${outcome.status}, not a poll answer ({notifications: [...], cursor})`
            : `HTTP ${outcome.status}`;
        disrupted(reason, retryDelayMs(outcome.retryAfter, POLL_ERROR_BACKOFF_MS));
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
      connected?.();
      connected = undefined;
      schedule(behaviour.nextDelayMs());
    });
  };

  const cut = (): void => {
    attempt += 1;
    if (timer) clearTimeout(timer);
    timer = undefined;
    inFlight?.abort();
    inFlight = undefined;
    throttle.release();
    agent.destroy();
  };

  return {
    userId,
    start() {
      started = true;
      return new Promise<void>((resolve) => {
        connected = resolve;
        poll();
      });
    },
    stop() {
      stopped = true;
      cut();
      connected?.();
      connected = undefined;
    },
    drop(reconnectAfterMs) {
      if (!started || stopped) return;
      cut();
      ctx.onDisrupted?.(userId, "dropped");
      schedule(reconnectAfterMs);
    },
    setReadRate(bytesPerSec) {
      throttle.setRate(bytesPerSec);
    },
  };
}
