/**
 * The two push strategies behind one reader, so a case that holds a stream open runs unchanged
 * against SSE and WebSocket: both readers record `{event, id, data}` events the same way.
 */
import type { StrategyId } from "../../src/model/strategies.ts";
import { SseTestReader } from "./sse-test-reader.ts";
import { WebSocketTestReader } from "./websocket-test-reader.ts";

export type PushStrategy = "sse" | "websocket";
export type PushReader = SseTestReader | WebSocketTestReader;

export function isPushStrategy(strategy: StrategyId): strategy is PushStrategy {
  return strategy === "sse" || strategy === "websocket";
}

/** The status of an accepted stream: 200 (SSE) or 101 (WebSocket upgrade). */
export function openStatus(strategy: PushStrategy): number {
  return strategy === "sse" ? 200 : 101;
}

/**
 * Opens `userUrl`'s stream (`/sse` with Last-Event-ID, `/ws?after=`), from `cursor` when given,
 * else from now.
 */
export function openPushReader(
  strategy: PushStrategy,
  userUrl: string,
  cursor?: string,
): Promise<PushReader> {
  if (strategy === "sse") {
    return SseTestReader.open(
      `${userUrl}/sse`,
      cursor === undefined ? {} : { "Last-Event-ID": cursor },
    );
  }
  const query = cursor === undefined ? "" : `?after=${encodeURIComponent(cursor)}`;
  return WebSocketTestReader.open(`${userUrl}/ws${query}`);
}
