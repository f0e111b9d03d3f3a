/** Long polling: the server holds each request until something arrives; re-poll at once. */
import type { ClientContext, SimulatedClient } from "./client-context.ts";
import { createPollingClient, type PollingClientOptions } from "./polling-client.ts";

export interface LongPollingOptions extends PollingClientOptions {
  /**
   * Hold the client asks our servers for (`timeoutMs`), in ms; a template carries its own. Either
   * way the answer's time bounds start after it (ClientBounds: first byte, end of answer).
   */
  holdMs: number;
}

export function createLongPollingClient(
  ctx: ClientContext,
  userId: string,
  options: LongPollingOptions,
): SimulatedClient {
  return createPollingClient(
    ctx,
    userId,
    {
      // The connect request asks for no hold, so "connected" means answered, not 25 s later.
      pathFor: (user, cursor, first) =>
        `/api/notifications/${encodeURIComponent(user)}/poll?after=${encodeURIComponent(cursor)}&timeoutMs=${first ? 0 : options.holdMs}`,
      nextDelayMs: () => 0,
      holdsRequests: true,
      holdMs: options.holdMs,
    },
    options,
  );
}
