/** Delivery cases: what arrives, in which order, exactly once, for whom. */
import { expect } from "vitest";
import type { Notification } from "../../src/notifications/index.ts";
import { type ConformanceCase, range, seqs, sleep } from "./case-context.ts";
import { getJson, postJson } from "./delivery-clients.ts";
import { isPushStrategy, openPushReader } from "./push-readers.ts";

interface Page {
  notifications: Notification[];
  cursor: string;
  count: number;
}

export const deliveryCases: ConformanceCase[] = [
  {
    name: "publish over HTTP, then deliver with every field intact",
    async run({ baseUrl, client, userId }) {
      const user = userId("publish");
      const body = {
        title: "Order shipped",
        message: "Your parcel is on its way",
        link: "/orders/42",
        serviceType: "shop",
        meta: { intendedAtUs: 1234567, synthetic: true, note: "x" },
      };
      const posted = await postJson(`${baseUrl}/api/notifications/${user}`, body);
      expect(posted.status).toBe(201);
      expect(posted.body).toEqual({ id: expect.stringMatching(/^\d+-\d+$/), seq: 1 });
      const [delivered] = await client.collect(user, "0-0", 1);
      expect(delivered).toEqual({
        ...body,
        id: posted.body.id,
        userId: user,
        seq: 1,
        sentAt: expect.any(Number),
      });
    },
  },
  {
    name: "order is kept: seq 1..n with increasing ids",
    async run({ client, userId, publish }) {
      const user = userId("order");
      for (let i = 1; i <= 120; i++) await publish(user, `n${i}`);
      // 120 > one page of 100: delivery must continue across pages without gaps.
      const received = await client.collect(user, "0-0", 120);
      expect(seqs(received)).toEqual(range(1, 120));
      expect(received.map((n) => n.title)).toEqual(range(1, 120).map((i) => `n${i}`));
    },
  },
  {
    name: "resume from a cursor / Last-Event-ID: nothing lost, nothing repeated",
    async run({ client, userId, publish }) {
      const user = userId("resume");
      for (let i = 0; i < 5; i++) await publish(user);
      const firstFive = await client.collect(user, "0-0", 5);
      const cursor = firstFive[2]?.id ?? "";
      for (let i = 0; i < 3; i++) await publish(user);
      const resumed = await client.collect(user, cursor, 5);
      expect(seqs(resumed)).toEqual([4, 5, 6, 7, 8]);
    },
  },
  {
    name: "register-then-read race: 100 clients joining mid-stream each see every later seq once",
    async run({ client, userId, publish }) {
      const user = userId("race");
      const total = 300;
      const joins: Promise<{ after: number; got: number[] }>[] = [];
      for (let seq = 1; seq <= total; seq++) {
        const published = await publish(user, `r${seq}`);
        // Every 3rd publish a client joins with that notification's id as its cursor.
        if (seq % 3 === 0 && joins.length < 100) {
          const expected = total - seq;
          joins.push(
            client
              .collect(user, published.id, expected, 20_000)
              .then((got) => ({ after: seq, got: seqs(got) })),
          );
        }
        if (seq % 10 === 0) await sleep(5); // spread publishing while clients connect
      }
      const results = await Promise.all(joins);
      expect(results).toHaveLength(100);
      for (const { after, got } of results) expect(got).toEqual(range(after + 1, total));
    },
  },
  {
    name: "per-user isolation: a client sees only its own user's notifications",
    async run({ client, userId, publish }) {
      const alice = userId("alice");
      const bob = userId("bob");
      for (let i = 0; i < 5; i++) {
        await publish(alice, `a${i}`);
        await publish(bob, `b${i}`);
        await publish(bob, `b${i}'`);
      }
      const forAlice = await client.collect(alice, "0-0", 5);
      expect(forAlice.every((n) => n.userId === alice && n.title.startsWith("a"))).toBe(true);
      expect(seqs(forAlice)).toEqual(range(1, 5));
      const forBob = await client.collect(bob, "0-0", 10);
      expect(forBob.every((n) => n.userId === bob)).toBe(true);
      expect(seqs(forBob)).toEqual(range(1, 10));
    },
  },
  {
    name: "a payload with CR, LF, CRLF and a fake SSE event arrives as one intact notification",
    async run({ client, userId, source }) {
      const user = userId("hostile");
      const message = "a\rb\nc\r\nd\n\nevent: x\ndata: y\n\n";
      await source.publish(user, { title: "t\r\n\r\nid: 9-9", message, meta: { s: "\n\n" } });
      await source.publish(user, { title: "after", message: "" });
      const received = await client.collect(user, "0-0", 2);
      expect(received).toHaveLength(2);
      expect(received[0]?.message).toBe(message);
      expect(received[0]?.title).toBe("t\r\n\r\nid: 9-9");
      expect(received[0]?.meta).toEqual({ s: "\n\n" });
      expect(received[1]?.title).toBe("after");
    },
  },
  {
    name: "without a cursor: polling gets the newest page, SSE and WebSocket start from now",
    async run({ strategy, baseUrl, userId, publish }) {
      const user = userId("nocursor");
      const url = `${baseUrl}/api/notifications/${user}`;
      if (isPushStrategy(strategy)) {
        await publish(user, "old1");
        await publish(user, "old2");
        const reader = await openPushReader(strategy, url);
        try {
          await reader.waitFor(() => reader.events.some((e) => e.event === "count"), "count");
          expect(reader.events[0]).toEqual({ event: "count", id: undefined, data: "2" });
          await publish(user, "new");
          await reader.waitFor(() => reader.pushes().length === 1, "one push");
          expect(JSON.parse(reader.pushes()[0]?.data ?? "{}")).toMatchObject({
            title: "new",
            seq: 3,
          });
          expect(reader.events.at(-1)).toMatchObject({ event: "count", data: "3" });
        } finally {
          reader.close();
        }
        return;
      }
      const deliveryUrl = strategy === "long-polling" ? `${url}/poll?timeoutMs=0` : url;
      const empty = await getJson<Page>(deliveryUrl);
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual({ notifications: [], cursor: "0-0", count: 0 });
      for (let i = 1; i <= 105; i++) await publish(user, `p${i}`);
      const newest = await getJson<Page>(deliveryUrl);
      expect(seqs(newest.body.notifications)).toEqual(range(6, 105));
      expect(newest.body.cursor).toBe(newest.body.notifications.at(-1)?.id);
      expect(newest.body.count).toBe(105);
    },
  },
  {
    name: "an idle poll answers an empty list with the same cursor (long poll: when the hold ends)",
    only: ["short-polling", "long-polling"],
    async run({ strategy, baseUrl, userId, publish }) {
      const user = userId("idle");
      const last = await publish(user);
      const base = `${baseUrl}/api/notifications/${user}`;
      const url =
        strategy === "long-polling"
          ? `${base}/poll?after=${last.id}&timeoutMs=150`
          : `${base}?after=${last.id}`;
      const answer = await getJson<Page>(url);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ notifications: [], cursor: last.id, count: 1 });
      if (strategy === "long-polling") {
        // A user with nothing yet: the hold starts from "0-0" and ends with that cursor.
        const none = await getJson<Page>(
          `${baseUrl}/api/notifications/${userId("none")}/poll?timeoutMs=100`,
        );
        expect(none.body).toEqual({ notifications: [], cursor: "0-0", count: 0 });
      }
    },
  },
  {
    name: "a held long poll answers as soon as a notification is published",
    only: ["long-polling"],
    async run({ baseUrl, userId, publish }) {
      const user = userId("held");
      const pending = getJson<Page>(
        `${baseUrl}/api/notifications/${user}/poll?after=0-0&timeoutMs=20000`,
      );
      await sleep(100);
      const published = await publish(user, "wake");
      const answer = await pending;
      expect(answer.body.notifications.map((n) => n.id)).toEqual([published.id]);
      expect(answer.body.cursor).toBe(published.id);
    },
  },
];
