/** Short polling: one request every `intervalMs` (± jitter so clients do not march in step). */
import type { ClientContext, SimulatedClient } from "./client-context.ts";
import { createPollingClient, type PollingClientOptions } from "./polling-client.ts";

export interface ShortPollingOptions extends PollingClientOptions {
  /** Pause between an answer and the next request, in ms. */
  intervalMs: number;
  /** Relative jitter, 0..1: each pause is intervalMs × (1 ± jitterRatio). */
  jitterRatio: number;
  /** Random source in [0, 1); injectable for tests. */
  random?: () => number;
}

export function createShortPollingClient(
  ctx: ClientContext,
  userId: string,
  options: ShortPollingOptions,
): SimulatedClient {
  const random = options.random ?? Math.random;
  return createPollingClient(
    ctx,
    userId,
    {
      pathFor: (user, cursor) =>
        `/api/notifications/${encodeURIComponent(user)}?after=${encodeURIComponent(cursor)}`,
      nextDelayMs: () => options.intervalMs * (1 + options.jitterRatio * (2 * random() - 1)),
    },
    options,
  );
}
