/**
 * Short polling: GET /api/notifications/:userId?after=<cursor> answers at once with whatever lies
 * after the cursor (or the newest page when no cursor is given).
 */
import { sendUnavailable } from "./http-errors.ts";
import { parseCursor, parseUserId, singleQuery } from "./request-validation.ts";
import type { RouteInstaller } from "./strategy-context.ts";

export const installShortPolling: RouteInstaller = (app, { source, metrics, options }) => {
  app.get("/api/notifications/:userId", async (req, res) => {
    const userId = parseUserId(req);
    const after = singleQuery(req, "after");
    const cursor = after === undefined ? undefined : parseCursor(after, "after");
    try {
      const result =
        cursor === undefined
          ? await source.readLatest(userId, options.pageSize)
          : await source.readAfter(userId, cursor, options.pageSize);
      metrics.notificationsDelivered.inc(result.notifications.length);
      res.json(result);
    } catch {
      sendUnavailable(res);
    }
  });
};
