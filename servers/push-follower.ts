/**
 * The start both push strategies share (SSE and WebSocket): the user's delivery slot (the
 * per-user cap answers 429), then a follower of the user's stream from the client's cursor (or
 * from now), registered before its first read. When Redis cannot answer that read, or shutdown
 * began or the client left while it ran, the slot is released and the client gets a 503 +
 * Retry-After (when it is still there) before any stream or upgrade begins.
 */
import type { Response } from "express";
import { CursorFollower, type ReadResult } from "../src/notifications/index.ts";
import { sendUnavailable } from "./http-errors.ts";
import type { StrategyContext } from "./strategy-context.ts";

export interface PushFollowerStart {
  userId: string;
  /** Resume after this cursor; undefined = from now. */
  cursor: string | undefined;
  /** Later batches go here (the stream, once it exists; until then nothing is sent). */
  onBatch(batch: ReadResult): void | Promise<void>;
  res: Response;
  /** Whether the connection is gone by other signs than `res.destroyed` (WebSocket: the socket). */
  connectionGone?(): boolean;
}

export interface StartedPushFollower {
  follower: CursorFollower;
  first: ReadResult;
  /** Frees the user's delivery slot (idempotent). */
  release(): void;
}

/** The admitted follower and its first batch, or null when the client was already answered. */
export async function admitPushFollower(
  context: StrategyContext,
  start: PushFollowerStart,
): Promise<StartedPushFollower | null> {
  const { userId, res } = start;
  const release = context.admitDelivery(userId, res);
  if (release === undefined) return null;
  const follower = new CursorFollower({
    source: context.source,
    userId,
    from: start.cursor === undefined ? { latest: 0 } : { after: start.cursor },
    pageSize: context.options.pageSize,
    onBatch: (batch) => start.onBatch(batch),
  });
  let first: ReadResult;
  try {
    first = await follower.start();
  } catch {
    release();
    sendUnavailable(res);
    return null;
  }
  if (context.isShuttingDown() || res.destroyed || start.connectionGone?.() === true) {
    release();
    follower.stop();
    if (!res.destroyed) sendUnavailable(res);
    return null;
  }
  return { follower, first, release };
}
