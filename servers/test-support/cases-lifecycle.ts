/** Lifecycle cases: Redis going away and coming back, graceful shutdown with clients attached. */
import { expect } from "vitest";
import type { Notification } from "../../src/notifications/index.ts";
import { type ConformanceCase, waitUntil } from "./case-context.ts";
import { getJson, postJson } from "./delivery-clients.ts";
import { isPushStrategy, openPushReader } from "./push-readers.ts";

interface Page {
  notifications: Notification[];
  cursor: string;
  count: number;
}

export const lifecycleCases: ConformanceCase[] = [
  {
    name: "Redis stopped and restarted: 503 + Retry-After while down, held deliveries resume",
    needsManagedRedis: true,
    async run({ strategy, baseUrl, redis, userId, publish, client }) {
      const user = userId("outage");
      const before = await publish(user, "before");
      const userUrl = `${baseUrl}/api/notifications/${user}`;
      // Attach a waiting client before the outage (short polling has nothing to hold).
      const stream = isPushStrategy(strategy)
        ? await openPushReader(strategy, userUrl, before.id)
        : undefined;
      const heldPoll =
        strategy === "long-polling"
          ? getJson<Page>(`${userUrl}/poll?after=${before.id}&timeoutMs=30000`)
          : undefined;
      try {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await redis.stop();

        await waitUntil(
          async () => (await fetch(`${baseUrl}/healthz`)).status === 503,
          "healthz 503",
        );
        const health = await fetch(`${baseUrl}/healthz`);
        expect(health.headers.get("retry-after")).toBe("1");
        const published = await postJson(userUrl, { title: "down", message: "m" });
        expect(published.status).toBe(503);
        expect(published.headers.get("retry-after")).toBe("1");
        expect(typeof published.body.error).toBe("string");
        if (strategy === "websocket") {
          // Refused before the upgrade, as an HTTP answer the client can read.
          const refused = await openPushReader(strategy, userUrl, "0-0");
          expect(refused.status).toBe(503);
          expect(refused.headers["retry-after"]).toBe("1");
          refused.close();
        } else {
          const delivery =
            strategy === "sse"
              ? `${userUrl}/sse`
              : strategy === "long-polling"
                ? `${userUrl}/poll`
                : userUrl;
          const refused = await fetch(
            `${delivery}?${strategy === "sse" ? "lastEventId" : "after"}=0-0`,
          );
          expect(refused.status).toBe(503);
          expect(refused.headers.get("retry-after")).toBe("1");
          await refused.body?.cancel();
        }

        await redis.restart?.();
        await waitUntil(
          async () => (await fetch(`${baseUrl}/healthz`)).status === 200,
          "healthz 200",
        );
        // Nothing was persisted, so seq restarts at 1; ids are time-based and still move forward.
        const after = await publish(user, "after");
        if (stream) {
          await stream.waitFor(() => stream.pushes().length === 1, "push after recovery");
          expect(stream.pushes()[0]?.id).toBe(after.id);
        } else if (heldPoll) {
          const answer = await heldPoll;
          expect(answer.body.notifications.map((n) => n.id)).toEqual([after.id]);
        } else {
          const got = await client.collect(user, before.id, 1);
          expect(got.map((n) => n.id)).toEqual([after.id]);
        }
      } finally {
        stream?.close();
      }
    },
  },
  {
    name: "graceful shutdown with clients attached: polls answered, streams ended, close resolves",
    async run({ strategy, userId, startExtraServer }) {
      const { url, server } = await startExtraServer();
      const user = userId("shutdown");
      const userUrl = `${url}/api/notifications/${user}`;
      const stream = isPushStrategy(strategy) ? await openPushReader(strategy, userUrl) : undefined;
      const heldPoll =
        strategy === "long-polling" ? getJson<Page>(`${userUrl}/poll?timeoutMs=60000`) : undefined;
      // Short polling: a kept-alive idle connection must not delay the close.
      if (strategy === "short-polling") expect((await getJson<Page>(userUrl)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 150));

      await server.close();

      if (heldPoll) {
        const answer = await heldPoll;
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({ notifications: [], cursor: "0-0", count: 0 });
      }
      if (stream) await stream.waitFor(() => stream.ended, "stream end", 3000);
      // A WebSocket is closed with 1001 (going away), so the client knows to come back.
      if (stream && "closeCode" in stream) expect(stream.closeCode).toBe(1001);
      expect(server.server.listening).toBe(false);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    },
  },
];
