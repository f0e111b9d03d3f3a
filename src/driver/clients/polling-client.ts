/**
 * The loop both polling strategies share: ask for everything after the cursor, hand what came
 * to the ledger, carry the cursor forward, wait, ask again. Short and long polling differ only
 * in the route and in how long they wait before the next request.
 */
import {
  type ClientContext,
  retryDelayMs,
  type SimulatedClient,
  type WireNotification,
} from "./client-context.ts";
import { getJson, type InFlight } from "./get-json.ts";

/** Every client starts at the beginning of its (fresh, per-run) stream, so the ledger can expect seq 1.. */
export const INITIAL_CURSOR = "0-0";

/** Backoff after a network error or a 5xx without Retry-After. */
export const POLL_ERROR_BACKOFF_MS = 1000;

export interface PollingBehaviour {
  /** Path and query for the next request from `cursor`; `first` is the connect request. */
  pathFor(userId: string, cursor: string, first: boolean): string;
  /** Wait before the next request after a successful answer. */
  nextDelayMs(): number;
}

interface PollAnswer {
  notifications: WireNotification[];
  cursor: string;
}

function isPollAnswer(body: unknown): body is PollAnswer {
  const b = body as Partial<PollAnswer> | null;
  return (
    typeof b === "object" &&
    b !== null &&
    Array.isArray(b.notifications) &&
    typeof b.cursor === "string"
  );
}

export function createPollingClient(
  ctx: ClientContext,
  userId: string,
  behaviour: PollingBehaviour,
): SimulatedClient {
  let cursor = INITIAL_CURSOR;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: InFlight | undefined;
  let connected: (() => void) | undefined;
  const agent = ctx.createAgent();

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(poll, delayMs);
  };

  const poll = (): void => {
    if (stopped) return;
    getJson(ctx, agent, behaviour.pathFor(userId, cursor, connected !== undefined), (handle) => {
      inFlight = handle;
    }).then(
      (answer) => {
        inFlight = undefined;
        if (stopped) return;
        if (answer.status !== 200 || !isPollAnswer(answer.body)) {
          ctx.stats.errors += 1;
          schedule(retryDelayMs(answer.retryAfter, POLL_ERROR_BACKOFF_MS));
          return;
        }
        const { notifications } = answer.body;
        if (notifications.length === 0) ctx.stats.emptyResponses += 1;
        else ctx.onNotifications(userId, notifications);
        cursor = answer.body.cursor;
        connected?.();
        connected = undefined;
        schedule(behaviour.nextDelayMs());
      },
      () => {
        inFlight = undefined;
        if (stopped) return;
        ctx.stats.errors += 1;
        schedule(POLL_ERROR_BACKOFF_MS);
      },
    );
  };

  return {
    userId,
    start() {
      return new Promise<void>((resolve) => {
        connected = resolve;
        poll();
      });
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      inFlight?.abort();
      agent.destroy();
      connected?.();
    },
  };
}
