/**
 * One test client per strategy behind one interface, so each conformance case runs unchanged
 * against every server: "give me `count` notifications of `userId` after `cursor`".
 */

import type { StrategyId } from "../../src/model/strategies.ts";
import type { Notification } from "../../src/notifications/index.ts";
import { SseTestReader } from "./sse-test-reader.ts";
import { WebSocketTestReader } from "./websocket-test-reader.ts";

export interface DeliveryClient {
  /** Collects notifications after `cursor` until `count` arrived; rejects after `timeoutMs`. */
  collect(
    userId: string,
    cursor: string,
    count: number,
    timeoutMs?: number,
  ): Promise<Notification[]>;
}

interface Page {
  notifications: Notification[];
  cursor: string;
  count: number;
}

export async function getJson<T = unknown>(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

export async function postJson(
  url: string,
  body: unknown,
  init: { raw?: string; contentType?: string } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": init.contentType ?? "application/json" },
    body: init.raw ?? JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    headers: res.headers,
  };
}

export function deliveryClient(strategy: StrategyId, baseUrl: string): DeliveryClient {
  const userUrl = (userId: string) => `${baseUrl}/api/notifications/${userId}`;
  if (strategy === "sse") {
    return {
      async collect(userId, cursor, count, timeoutMs = 10_000) {
        const reader = await SseTestReader.open(`${userUrl(userId)}/sse`, {
          "Last-Event-ID": cursor,
        });
        try {
          if (reader.status !== 200) throw new Error(`SSE answered ${reader.status}`);
          await reader.waitFor(() => reader.pushes().length >= count, `${count} pushes`, timeoutMs);
          return reader.pushes().map((e) => JSON.parse(e.data) as Notification);
        } finally {
          reader.close();
        }
      },
    };
  }
  if (strategy === "websocket") {
    return {
      async collect(userId, cursor, count, timeoutMs = 10_000) {
        const reader = await WebSocketTestReader.open(`${userUrl(userId)}/ws?after=${cursor}`);
        try {
          if (reader.status !== 101) throw new Error(`WebSocket upgrade answered ${reader.status}`);
          await reader.waitFor(() => reader.pushes().length >= count, `${count} pushes`, timeoutMs);
          return reader.pushes().map((e) => JSON.parse(e.data) as Notification);
        } finally {
          reader.close();
        }
      },
    };
  }
  const pageUrl =
    strategy === "long-polling"
      ? (userId: string, cursor: string) => `${userUrl(userId)}/poll?after=${cursor}&timeoutMs=2000`
      : (userId: string, cursor: string) => `${userUrl(userId)}?after=${cursor}`;
  return {
    async collect(userId, cursor, count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      const received: Notification[] = [];
      let next = cursor;
      while (received.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`${strategy}: got ${received.length} of ${count} notifications in time`);
        }
        const { status, body } = await getJson<Page>(pageUrl(userId, next));
        if (status !== 200) throw new Error(`${strategy} answered ${status}`);
        received.push(...body.notifications);
        next = body.cursor;
        if (strategy === "short-polling" && body.notifications.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
      return received;
    },
  };
}
