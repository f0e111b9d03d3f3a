/**
 * The start both push strategies share (SSE and WebSocket): a follower of the user's stream
 * from the client's cursor (or from now), registered before its first read; when Redis cannot
 * answer that read, the connection slot is released and the client gets a 503 + Retry-After
 * before any stream or upgrade begins.
 */
import type { Response } from "express";
import {
  CursorFollower,
  type NotificationSource,
  type ReadResult,
} from "../src/notifications/index.ts";
import { sendUnavailable } from "./http-errors.ts";

export interface PushFollowerStart {
  source: NotificationSource;
  userId: string;
  /** Resume after this cursor; undefined = from now. */
  cursor: string | undefined;
  pageSize: number;
  /** Later batches go here (the stream, once it exists; until then nothing is sent). */
  onBatch(batch: ReadResult): void | Promise<void>;
  release(): void;
  res: Response;
}

/** The follower and its first batch, or null when Redis failed (the 503 is already sent). */
export async function startPushFollower(
  start: PushFollowerStart,
): Promise<{ follower: CursorFollower; first: ReadResult } | null> {
  const follower = new CursorFollower({
    source: start.source,
    userId: start.userId,
    from: start.cursor === undefined ? { latest: 0 } : { after: start.cursor },
    pageSize: start.pageSize,
    onBatch: (batch) => start.onBatch(batch),
  });
  try {
    return { follower, first: await follower.start() };
  } catch {
    start.release();
    sendUnavailable(start.res);
    return null;
  }
}
