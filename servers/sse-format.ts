/**
 * Server-Sent Events wire format. Field values must not contain line breaks (a CR or LF ends a
 * field), so data is split into several `data:` lines, which the client joins back with "\n".
 */
import type { ReadResult } from "../src/notifications/index.ts";

export interface SseEvent {
  event?: string;
  id?: string;
  data: string;
}

const LINE_BREAK = /\r\n|\r|\n/;

export function formatSseEvent({ event, id, data }: SseEvent): string {
  let text = "";
  if (event !== undefined) text += `event: ${singleLine(event, "event")}\n`;
  if (id !== undefined) text += `id: ${singleLine(id, "id")}\n`;
  for (const line of data.split(LINE_BREAK)) text += `data: ${line}\n`;
  return `${text}\n`;
}

export function formatSseComment(comment: string): string {
  return `: ${singleLine(comment, "comment")}\n\n`;
}

export function formatSseRetry(retryMs: number): string {
  return `retry: ${Math.max(0, Math.trunc(retryMs))}\n\n`;
}

/**
 * What a reset event says: the client's Last-Event-ID (or the stream's position) was older than
 * the trimmed history, and the push events that follow continue from the oldest kept one.
 */
export const SSE_RESET_DATA = JSON.stringify({
  reason: "history-trimmed",
  message:
    "notifications between your cursor and the oldest kept one were removed; continue from the events that follow",
});

/**
 * One `push` event per notification (id = cursor), then one `count` event. A reset batch starts
 * with `event: reset`, which has no `id:` so the client's Last-Event-ID stays where it was until
 * the first push after the gap.
 */
export function formatSseBatch(batch: ReadResult): string {
  return formatSseBatchEvents(batch).join("");
}

/** The events of formatSseBatch one by one, so a large batch can be written in paced slices. */
export function formatSseBatchEvents(batch: ReadResult): string[] {
  const events: string[] = [];
  if (batch.reset) events.push(formatSseEvent({ event: "reset", data: SSE_RESET_DATA }));
  for (const notification of batch.notifications) {
    events.push(
      formatSseEvent({ event: "push", id: notification.id, data: JSON.stringify(notification) }),
    );
  }
  events.push(formatSseEvent({ event: "count", data: String(batch.count) }));
  return events;
}

function singleLine(value: string, field: string): string {
  // ids come from Redis and event names are constants, so this only guards future mistakes.
  if (/[\0\r\n]/.test(value)) throw new TypeError(`SSE ${field} must be one line without NUL`);
  return value;
}
