/** Strategy id -> the route installer of that server. The one place a new strategy is added. */
import type { StrategyId } from "../src/model/strategies.ts";
import { installLongPolling } from "./long-polling.ts";
import { installShortPolling } from "./short-polling.ts";
import { installSse } from "./sse.ts";
import type { RouteInstaller } from "./strategy-context.ts";
import { installWebSocket } from "./websocket.ts";

export const routeInstallers: Record<StrategyId, RouteInstaller> = {
  "short-polling": installShortPolling,
  "long-polling": installLongPolling,
  sse: installSse,
  websocket: installWebSocket,
};
