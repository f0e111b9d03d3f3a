/**
 * The JSON body both polling strategies answer with. `reset` is present only when the read
 * reset (the cursor fell behind the trimmed history), so sunny-day answers keep their bytes.
 */
import type { Notification, ReadResult } from "../src/notifications/index.ts";
import type { ServerMetrics } from "./server-metrics.ts";

export interface PollAnswer {
  notifications: Notification[];
  cursor: string;
  count: number;
  /** Only when notifications between the cursor and the oldest kept one were trimmed. */
  reset?: true;
}

/** Shapes `result` for the wire and counts what it delivers (notifications, a reset). */
export function pollAnswer(result: ReadResult, metrics: ServerMetrics): PollAnswer {
  metrics.notificationsDelivered.inc(result.notifications.length);
  const answer: PollAnswer = {
    notifications: result.notifications,
    cursor: result.cursor,
    count: result.count,
  };
  if (result.reset) {
    answer.reset = true;
    metrics.resets.inc();
  }
  return answer;
}
