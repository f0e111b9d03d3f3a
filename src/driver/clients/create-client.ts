/** Maps a strategy id to its simulated client, with the scenario's parameters applied. */
import type { ScenarioParams } from "../../model/scenario.ts";
import type { StrategyId } from "../../model/strategies.ts";
import type { ClientContext, SimulatedClient } from "./client-context.ts";
import { createLongPollingClient } from "./long-polling-client.ts";
import { createShortPollingClient } from "./short-polling-client.ts";
import { createSseClient } from "./sse-client.ts";
import { createWebSocketClient } from "./websocket-client.ts";

/**
 * `endpointIndex`: where in `ctx.endpoints` this client starts (callers pass the client's own
 * index, so clients spread over the instances round-robin); taken modulo the endpoint count.
 */
export function createClient(
  strategy: StrategyId,
  ctx: ClientContext,
  userId: string,
  params: Pick<ScenarioParams, "shortPollIntervalMs" | "jitterRatio" | "longPollHoldMs">,
  endpointIndex = 0,
): SimulatedClient {
  switch (strategy) {
    case "short-polling":
      return createShortPollingClient(ctx, userId, {
        intervalMs: params.shortPollIntervalMs,
        jitterRatio: params.jitterRatio,
        endpointIndex,
      });
    case "long-polling":
      return createLongPollingClient(ctx, userId, { holdMs: params.longPollHoldMs, endpointIndex });
    case "sse":
      return createSseClient(ctx, userId, { endpointIndex });
    case "websocket":
      return createWebSocketClient(ctx, userId, { endpointIndex });
  }
}
