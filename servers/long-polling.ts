/**
 * Long polling: GET /api/notifications/:userId/poll?after=<cursor>&timeoutMs=<n> holds the
 * request until something lies after the cursor, or answers an empty page with the same cursor
 * when the hold ends (timeout or shutdown). A Redis outage during the hold keeps holding: the
 * follower re-reads from the cursor once Redis is back. An empty `after=` means no cursor.
 * A cursor older than the trimmed history answers at once with `reset: true` (and whatever is
 * kept after the gap, possibly nothing): the client must hear about the gap, not wait.
 */
import { CursorFollower, type ReadResult } from "../src/notifications/index.ts";
import { sendUnavailable } from "./http-errors.ts";
import { pollAnswer } from "./poll-answer.ts";
import {
  parseOptionalCursor,
  parseTimeoutMs,
  parseUserId,
  singleQuery,
} from "./request-validation.ts";
import type { RouteInstaller } from "./strategy-context.ts";

export const installLongPolling: RouteInstaller = (app, context) => {
  const { source, metrics, options } = context;
  app.get("/api/notifications/:userId/poll", async (req, res) => {
    const userId = parseUserId(req);
    const cursor = parseOptionalCursor(singleQuery(req, "after"), "after");
    const timeoutMs = parseTimeoutMs(singleQuery(req, "timeoutMs"), options.defaultPollTimeoutMs);
    const release = context.admitDelivery(userId, res);
    if (release === undefined) return;

    let answered = false;
    const cleanups: (() => void)[] = [release];
    const answer = (result: ReadResult) => {
      if (answered) return;
      answered = true;
      for (const cleanup of cleanups) cleanup();
      if (res.writableEnded || res.destroyed) return;
      if (context.isShuttingDown()) res.setHeader("Connection", "close");
      res.json(pollAnswer(result, metrics));
    };

    const follower = new CursorFollower({
      source,
      userId,
      // Without a cursor: the newest page at once if there is one, else wait from the start.
      from: cursor === undefined ? { latest: options.pageSize } : { after: cursor },
      pageSize: options.pageSize,
      onBatch: (batch) => answer(batch),
    });
    cleanups.push(() => follower.stop());

    let first: ReadResult;
    try {
      first = await follower.start();
    } catch {
      answered = true;
      release();
      sendUnavailable(res);
      return;
    }
    if (
      first.notifications.length > 0 ||
      first.reset ||
      timeoutMs === 0 ||
      context.isShuttingDown()
    ) {
      answer(first);
      return;
    }
    // Hold. `first.cursor` is "0-0" for a user without notifications and `after` otherwise.
    const empty = (): ReadResult => ({
      notifications: [],
      cursor: first.cursor,
      count: first.count,
      reset: false,
    });
    metrics.heldPolls.inc();
    cleanups.push(() => metrics.heldPolls.dec());
    const timer = setTimeout(() => answer(empty()), timeoutMs);
    cleanups.push(() => clearTimeout(timer));
    cleanups.push(context.onShutdown(() => answer(empty())));
    const onClientGone = () => {
      if (!answered) {
        answered = true;
        for (const cleanup of cleanups) cleanup();
      }
    };
    res.once("close", onClientGone);
    follower.run();
  });
};
