/**
 * What the polling and SSE clients share around their requests: the counted agent and read
 * throttle of one simulated user, the endpoint rotation, numbered attempts (what an attempt
 * reports after drop(), stop() or the next attempt superseded it is ignored), the timer of the
 * next attempt, and the public start / stop / drop / setReadRate of SimulatedClient. A client
 * supplies only what one attempt does (send a poll, open a stream) and reports back through
 * `markConnected`, `succeeded` and `disrupted`.
 *
 * Backoff: after one failed attempt the next waits the normal delay (the strategy's retry, the
 * server's Retry-After or SSE `retry:`), so a server restart costs what it always did; each
 * further failure in a row doubles the ceiling of a jittered wait, up to `bounds.backoffMaxMs`
 * (see backoffDelayMs), and a success starts over. A target that refuses or resets every
 * connection therefore sees each client less and less often, never a storm. A server that says
 * when to come back (a valid `Retry-After` on its error answer) is taken at its word (clamped to
 * [retryMinMs, retryMaxMs]) instead of being backed off from: it is answering, it is not gone,
 * and growing the wait past what it asked for would only delay the recovery it announced (a
 * 10 s Redis outage answered with `503 Retry-After: 1` left a short poller backing off for 16 s).
 */
import type http from "node:http";
import { backoffDelayMs } from "./client-bounds.ts";
import { type ClientContext, countError, type SimulatedClient } from "./client-context.ts";
import { createEndpointRotation, type EndpointRotation } from "./endpoint-rotation.ts";
import { ReadThrottle } from "./read-throttle.ts";

/** How an attempt ended, when it did not end by stop() or drop(): the next one is scheduled. */
export interface Disruption {
  /** Counts in `stats.errors` (a stream the server closed cleanly does not). */
  error: boolean;
  /** Network-level: the next attempt goes to the next endpoint. */
  network: boolean;
  reason: string;
  /** The normal wait before the next attempt; repeated failures back off from it. */
  delayMs: number;
  /** The server set `delayMs` itself (a valid Retry-After): wait exactly that, no backoff. */
  serverDirected?: boolean;
}

export interface ConnectionLifecycle {
  /** The client as the run sees it; start() runs the first attempt. */
  readonly client: SimulatedClient;
  readonly route: EndpointRotation;
  /** The client's own counted agent (one TCP connection, as a browser tab). */
  readonly agent: http.Agent;
  readonly throttle: ReadThrottle;
  /** start() has been called and has not resolved yet (the first connection is being made). */
  readonly connecting: boolean;
  /** Resolves start(); later calls do nothing. */
  markConnected(): void;
  /** An attempt worked (a poll answered, a stream spoke): the next failure waits the normal delay. */
  succeeded(): void;
  /** Failed attempts in a row since the last success. */
  readonly failures: number;
  /** How to cancel the current attempt's request or stream (drop(), stop()); null once it is over. */
  setInFlight(cancel: (() => void) | null): void;
  /** Runs the next attempt after `delayMs`, replacing one already due; nothing once stopped. */
  schedule(delayMs: number): void;
  /** Counts and reports the disruption, fails over when network-level, schedules the next attempt. */
  disrupted(how: Disruption): void;
}

/**
 * `options.endpointIndex`: where in `ctx.endpoints` the client starts (default 0). `attempt`
 * sends one request or opens one stream; its `isCurrent()` stays true until drop(),
 * stop() or the next attempt supersedes it. Every attempt after the first is scheduled by the
 * client itself (`schedule`, `disrupted`) or by drop().
 */
export function createConnectionLifecycle(
  ctx: ClientContext,
  userId: string,
  options: { endpointIndex?: number; random?: () => number },
  attempt: (isCurrent: () => boolean) => void,
): ConnectionLifecycle {
  const random = options.random ?? Math.random;
  let failures = 0;
  const route = createEndpointRotation(ctx.endpoints, options.endpointIndex ?? 0);
  const agent = ctx.createAgent();
  const throttle = new ReadThrottle();
  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let cancelInFlight: (() => void) | null = null;
  /** Bumped by every attempt, drop() and stop(): what an older attempt reports is ignored. */
  let attemptNumber = 0;
  let resolveStart: (() => void) | undefined;

  const run = (): void => {
    timer = undefined;
    if (stopped) return;
    const thisAttempt = ++attemptNumber;
    attempt(() => thisAttempt === attemptNumber && !stopped);
  };

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, delayMs);
  };

  const markConnected = (): void => {
    resolveStart?.();
    resolveStart = undefined;
  };

  /** Ends the current attempt and every socket of the agent, as if the network dropped. */
  const cut = (): void => {
    attemptNumber += 1;
    if (timer) clearTimeout(timer);
    timer = undefined;
    cancelInFlight?.();
    cancelInFlight = null;
    throttle.release();
    agent.destroy();
  };

  const client: SimulatedClient = {
    userId,
    start() {
      started = true;
      return new Promise<void>((resolve) => {
        resolveStart = resolve;
        run();
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
      schedule(reconnectAfterMs);
    },
    setReadRate(bytesPerSec) {
      throttle.setRate(bytesPerSec);
    },
  };

  return {
    client,
    route,
    agent,
    throttle,
    get connecting() {
      return resolveStart !== undefined;
    },
    markConnected,
    succeeded() {
      failures = 0;
    },
    get failures() {
      return failures;
    },
    setInFlight(cancel) {
      cancelInFlight = cancel;
    },
    schedule,
    disrupted(how) {
      let delayMs = how.delayMs;
      if (how.error) {
        countError(ctx.stats, how.reason);
        failures += 1;
        if (how.serverDirected !== true) {
          delayMs = backoffDelayMs(how.delayMs, failures, {
            floorMs: ctx.bounds.retryMinMs,
            capMs: ctx.bounds.backoffMaxMs,
            random,
          });
          if (failures > 1) ctx.stats.backoffs += 1;
        }
        ctx.stats.backoffMaxMs = Math.max(ctx.stats.backoffMaxMs, delayMs);
      } else {
        failures = 0;
      }
      if (how.network) route.failover();
      ctx.onDisrupted?.(userId, how.reason);
      schedule(delayMs);
    },
  };
}
