import { describe, expect, it } from "vitest";
import {
  formatSseBatch,
  formatSseComment,
  formatSseEvent,
  formatSseRetry,
  SSE_RESET_DATA,
} from "./sse-format.ts";

const notification = { id: "5-0", userId: "u", seq: 1, sentAt: 5, title: "t", message: "m" };

describe("SSE formatting", () => {
  it("splits data on every kind of line break so no field can be injected", () => {
    expect(formatSseEvent({ event: "push", id: "1-0", data: "a\rb\nc\r\nd\n\nevent: x" })).toBe(
      "event: push\nid: 1-0\ndata: a\ndata: b\ndata: c\ndata: d\ndata: \ndata: event: x\n\n",
    );
  });
  it("refuses ids and event names with line breaks or NUL", () => {
    expect(() => formatSseEvent({ id: "1-0\n", data: "" })).toThrow(TypeError);
    expect(() => formatSseEvent({ event: "a\0", data: "" })).toThrow(TypeError);
  });
  it("writes comments, retry hints and batches", () => {
    expect(formatSseComment("heartbeat")).toBe(": heartbeat\n\n");
    expect(formatSseRetry(2000)).toBe("retry: 2000\n\n");
    expect(
      formatSseBatch({ notifications: [notification], cursor: "5-0", count: 1, reset: false }),
    ).toBe(
      `event: push\nid: 5-0\ndata: ${JSON.stringify(notification)}\n\nevent: count\ndata: 1\n\n`,
    );
  });
  it("starts a reset batch with a reset event that carries no id, even when nothing follows", () => {
    const reset =
      'event: reset\ndata: {"reason":"history-trimmed","message":"notifications between your ' +
      'cursor and the oldest kept one were removed; continue from the events that follow"}\n\n';
    expect(JSON.parse(SSE_RESET_DATA)).toEqual({
      reason: "history-trimmed",
      message:
        "notifications between your cursor and the oldest kept one were removed; continue from the events that follow",
    });
    expect(
      formatSseBatch({ notifications: [notification], cursor: "5-0", count: 9, reset: true }),
    ).toBe(
      `${reset}event: push\nid: 5-0\ndata: ${JSON.stringify(notification)}\n\nevent: count\ndata: 9\n\n`,
    );
    expect(formatSseBatch({ notifications: [], cursor: "7-0", count: 9, reset: true })).toBe(
      `${reset}event: count\ndata: 9\n\n`,
    );
  });
});
