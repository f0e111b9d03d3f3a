import { describe, expect, it } from "vitest";
import type { Notification, ReadResult } from "../src/notifications/index.ts";
import { formatSseBatchEvents, SSE_RESET_DATA } from "./sse-format.ts";
import { formatWebSocketBatch } from "./websocket-format.ts";

const note = (seq: number, message = "m"): Notification => ({
  id: `${seq}-0`,
  userId: "u",
  seq,
  sentAt: 1000 + seq,
  title: `t${seq}`,
  message,
});

describe("formatWebSocketBatch", () => {
  it("one push per notification (id = cursor, data = the notification), then count", () => {
    const batch: ReadResult = {
      notifications: [note(1), note(2)],
      cursor: "2-0",
      count: 2,
      reset: false,
    };
    expect(formatWebSocketBatch(batch).map((m) => JSON.parse(m))).toEqual([
      { type: "push", id: "1-0", data: note(1) },
      { type: "push", id: "2-0", data: note(2) },
      { type: "count", data: 2 },
    ]);
  });

  it("a reset batch starts with the SSE reset's data and no id; an empty one is reset + count", () => {
    const batch: ReadResult = { notifications: [], cursor: "5-0", count: 5, reset: true };
    expect(formatWebSocketBatch(batch).map((m) => JSON.parse(m))).toEqual([
      { type: "reset", data: JSON.parse(SSE_RESET_DATA) },
      { type: "count", data: 5 },
    ]);
  });

  it("mirrors the SSE events one for one, and a payload with line breaks stays one message", () => {
    const batch: ReadResult = {
      notifications: [note(1, "a\r\nb\n\nevent: x\ndata: y")],
      cursor: "1-0",
      count: 1,
      reset: true,
    };
    const messages = formatWebSocketBatch(batch);
    expect(messages).toHaveLength(formatSseBatchEvents(batch).length);
    expect(messages.every((m) => !m.includes("\n"))).toBe(true);
    expect(JSON.parse(messages[1] ?? "").data.message).toBe("a\r\nb\n\nevent: x\ndata: y");
  });
});
