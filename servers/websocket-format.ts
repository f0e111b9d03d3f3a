/**
 * WebSocket message format: one JSON text message per SSE event, with the same names and
 * contents, so the two push strategies differ only in the protocol around them.
 *   {"type":"push","id":"<cursor>","data":<notification JSON>}   one per notification
 *   {"type":"count","data":<n>}                                    after each batch
 *   {"type":"reset","data":{"reason":"history-trimmed","message":"..."}}  before a batch after a gap
 * The cursor of a push is what `?after=` takes to resume. JSON needs no escaping of line breaks
 * (SSE does), so a payload can never inject a field.
 */
import type { ReadResult } from "../src/notifications/index.ts";
import { SSE_RESET_DATA } from "./sse-format.ts";

export type WebSocketMessage =
  | { type: "push"; id: string; data: unknown }
  | { type: "count"; data: number }
  | { type: "reset"; data: { reason: string; message: string } };

const RESET_MESSAGE = JSON.stringify({ type: "reset", data: JSON.parse(SSE_RESET_DATA) });

/** The messages of one batch, in order: reset (when announced), one push each, then count. */
export function formatWebSocketBatch(batch: ReadResult): string[] {
  const messages: string[] = [];
  if (batch.reset) messages.push(RESET_MESSAGE);
  for (const notification of batch.notifications) {
    messages.push(JSON.stringify({ type: "push", id: notification.id, data: notification }));
  }
  messages.push(JSON.stringify({ type: "count", data: batch.count }));
  return messages;
}
