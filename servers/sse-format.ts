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

/** One `push` event per notification (id = cursor), then one `count` event. */
export function formatSseBatch(batch: ReadResult): string {
  let text = "";
  for (const notification of batch.notifications) {
    text += formatSseEvent({
      event: "push",
      id: notification.id,
      data: JSON.stringify(notification),
    });
  }
  return text + formatSseEvent({ event: "count", data: String(batch.count) });
}

function singleLine(value: string, field: string): string {
  // ids come from Redis and event names are constants, so this only guards future mistakes.
  if (/[\0\r\n]/.test(value)) throw new TypeError(`SSE ${field} must be one line without NUL`);
  return value;
}
