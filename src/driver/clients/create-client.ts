/** Maps a strategy id to its simulated client, with the scenario's parameters applied. */
import type { ScenarioParams } from "../../../scenarios/types.ts";
import type { StrategyId } from "../../strategies.ts";
import type { ClientContext, SimulatedClient } from "./client-context.ts";
import { createLongPollingClient } from "./long-polling-client.ts";
import { createShortPollingClient } from "./short-polling-client.ts";
import { createSseClient } from "./sse-client.ts";

export function createClient(
  strategy: StrategyId,
  ctx: ClientContext,
  userId: string,
  params: Pick<ScenarioParams, "shortPollIntervalMs" | "jitterRatio" | "longPollHoldMs">,
): SimulatedClient {
  switch (strategy) {
    case "short-polling":
      return createShortPollingClient(ctx, userId, {
        intervalMs: params.shortPollIntervalMs,
        jitterRatio: params.jitterRatio,
      });
    case "long-polling":
      return createLongPollingClient(ctx, userId, { holdMs: params.longPollHoldMs });
    case "sse":
      return createSseClient(ctx, userId);
  }
}
