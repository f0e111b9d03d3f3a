/**
 * Short polling: GET /api/notifications/:userId?after=<cursor> answers at once with whatever lies
 * after the cursor (or the newest page when no cursor is given; an empty `after=` is none).
 * A cursor older than the trimmed history gets `reset: true` with the oldest kept notifications.
 */
import { sendUnavailable } from "./http-errors.ts";
import { pollAnswer } from "./poll-answer.ts";
import { parseOptionalCursor, parseUserId, singleQuery } from "./request-validation.ts";
import type { RouteInstaller } from "./strategy-context.ts";

export const installShortPolling: RouteInstaller = (app, { source, metrics, options }) => {
  app.get("/api/notifications/:userId", async (req, res) => {
    const userId = parseUserId(req);
    const cursor = parseOptionalCursor(singleQuery(req, "after"), "after");
    try {
      const result =
        cursor === undefined
          ? await source.readLatest(userId, options.pageSize)
          : await source.readAfter(userId, cursor, options.pageSize);
      res.json(pollAnswer(result, metrics));
    } catch {
      sendUnavailable(res);
    }
  });
};
