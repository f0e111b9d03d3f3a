/**
 * Reset cases: a client whose cursor fell behind the trimmed history is told so explicitly
 * (polling `reset: true`, SSE `event: reset`) and gets the kept notifications; never a silent gap.
 */
import { expect } from "vitest";
import type { StrategyId } from "../../src/model/strategies.ts";
import type { Notification } from "../../src/notifications/index.ts";
import type { CaseContext, ConformanceCase } from "./case-context.ts";
import { getJson } from "./delivery-clients.ts";
import { isPushStrategy, openPushReader, openStatus } from "./push-readers.ts";
import type { SseTestReader } from "./sse-test-reader.ts";

interface Page {
  notifications: Notification[];
  cursor: string;
  count: number;
  reset?: boolean;
}

/** What one delivery request from `cursor` brought: the notifications and whether it reset. */
interface Delivered {
  seqs: number[];
  reset: boolean;
  /** Polling: the answer body; SSE: the events up to the batch's `count`. */
  body: Page | undefined;
  events: SseTestReader["events"];
}

const RESET_DATA = {
  reason: "history-trimmed",
  message:
    "notifications between your cursor and the oldest kept one were removed; continue from the events that follow",
};

/** Reads the first answer (polling) or the first batch up to its `count` event (SSE). */
async function deliverOnce(
  strategy: StrategyId,
  baseUrl: string,
  user: string,
  cursor: string,
): Promise<Delivered> {
  const userUrl = `${baseUrl}/api/notifications/${user}`;
  if (isPushStrategy(strategy)) {
    const reader = await openPushReader(strategy, userUrl, cursor);
    try {
      expect(reader.status).toBe(openStatus(strategy));
      await reader.waitFor(() => reader.events.some((e) => e.event === "count"), "count event");
      const events = [...reader.events];
      const seqs = reader.pushes().map((e) => (JSON.parse(e.data) as Notification).seq);
      return { seqs, reset: events.some((e) => e.event === "reset"), body: undefined, events };
    } finally {
      reader.close();
    }
  }
  // Long polling: a long hold, so an answer that should come at once cannot pass by timing out.
  const url =
    strategy === "long-polling"
      ? `${userUrl}/poll?after=${cursor}&timeoutMs=20000`
      : `${userUrl}?after=${cursor}`;
  const { status, body } = await getJson<Page>(url);
  expect(status).toBe(200);
  return {
    seqs: body.notifications.map((n) => n.seq),
    reset: body.reset === true,
    body,
    events: [],
  };
}

async function resetsTotal(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const value = /^pvp_resets_total (\S+)$/m.exec(text)?.[1];
  if (value === undefined) throw new Error("pvp_resets_total is missing from /metrics");
  return Number(value);
}

/** Publishes `count` notifications and returns them in order. */
async function publishMany(context: CaseContext, user: string, count: number) {
  const published: Notification[] = [];
  for (let i = 1; i <= count; i++) published.push(await context.publish(user, `n${i}`));
  return published;
}

function idOf(published: Notification[], seq: number): string {
  const id = published[seq - 1]?.id;
  if (id === undefined) throw new Error(`no seq ${seq}`);
  return id;
}

export const resetCases: ConformanceCase[] = [
  {
    name: "a cursor older than the trimmed history gets an explicit reset plus the kept notifications",
    async run(context) {
      const { strategy, baseUrl, source, userId } = context;
      const user = userId("reset");
      const published = await publishMany(context, user, 6);
      expect(await source.trimHistory(user, 3)).toBe(3); // seq 1..3 gone, 4..6 kept
      const before = await resetsTotal(baseUrl);

      for (const cursor of ["0-0", idOf(published, 2)]) {
        const got = await deliverOnce(strategy, baseUrl, user, cursor);
        expect(got.reset, `cursor ${cursor}`).toBe(true);
        expect(got.seqs, `cursor ${cursor}`).toEqual([4, 5, 6]);
        if (got.body) {
          expect(got.body).toMatchObject({ cursor: idOf(published, 6), count: 6, reset: true });
        } else {
          // SSE: the reset comes first and has no id (Last-Event-ID stays put until a push).
          expect(got.events[0]).toEqual({
            event: "reset",
            id: undefined,
            data: JSON.stringify(RESET_DATA),
          });
          expect(got.events.map((e) => e.event)).toEqual([
            "reset",
            "push",
            "push",
            "push",
            "count",
          ]);
          expect(got.events.at(-1)?.data).toBe("6");
        }
      }
      expect(await resetsTotal(baseUrl)).toBe(before + 2);
    },
  },
  {
    name: "a cursor inside the kept history gets no reset (and polling answers carry no reset key)",
    async run(context) {
      const { strategy, baseUrl, source, userId } = context;
      const user = userId("noreset");
      const published = await publishMany(context, user, 6);
      await source.trimHistory(user, 3);
      const before = await resetsTotal(baseUrl);
      // At the newest removed id the client holds that entry: nothing is missing.
      for (const [cursor, expected] of [
        [idOf(published, 3), [4, 5, 6]],
        [idOf(published, 4), [5, 6]],
      ] as const) {
        const got = await deliverOnce(strategy, baseUrl, user, cursor);
        expect(got.reset, `cursor ${cursor}`).toBe(false);
        expect(got.seqs, `cursor ${cursor}`).toEqual(expected);
        if (got.body) expect(Object.keys(got.body)).toEqual(["notifications", "cursor", "count"]);
      }
      // A user never trimmed: never a reset, even from the start.
      const fresh = userId("untrimmed");
      await publishMany(context, fresh, 2);
      expect((await deliverOnce(strategy, baseUrl, fresh, "0-0")).reset).toBe(false);
      expect(await resetsTotal(baseUrl)).toBe(before);
    },
  },
  {
    name: "everything after the cursor trimmed: the reset arrives at once, once, with nothing after it",
    async run(context) {
      const { strategy, baseUrl, source, userId } = context;
      const user = userId("allgone");
      const published = await publishMany(context, user, 3);
      await source.trimHistory(user, 0);
      const got = await deliverOnce(strategy, baseUrl, user, idOf(published, 1));
      expect(got.reset).toBe(true);
      expect(got.seqs).toEqual([]);
      if (got.body) {
        // The cursor moves past the gap, so polling on from it does not report it again.
        expect(got.body).toEqual({
          notifications: [],
          cursor: idOf(published, 3),
          count: 3,
          reset: true,
        });
        const next = await getJson<Page>(
          strategy === "long-polling"
            ? `${baseUrl}/api/notifications/${user}/poll?after=${got.body.cursor}&timeoutMs=0`
            : `${baseUrl}/api/notifications/${user}?after=${got.body.cursor}`,
        );
        expect(next.body).toEqual({ notifications: [], cursor: idOf(published, 3), count: 3 });
      } else {
        expect(got.events.map((e) => e.event)).toEqual(["reset", "count"]);
      }
    },
  },
  {
    name: "an empty after= means no cursor (URL templates such as ?after={cursor})",
    only: ["short-polling", "long-polling"],
    async run({ strategy, baseUrl, userId, publish }) {
      const user = userId("emptyafter");
      const published = [await publish(user, "a"), await publish(user, "b")];
      const path = strategy === "long-polling" ? "/poll?timeoutMs=0&after=" : "?after=";
      const { status, body } = await getJson<Page>(`${baseUrl}/api/notifications/${user}${path}`);
      expect(status).toBe(200);
      expect(body).toEqual({
        notifications: published,
        cursor: published[1]?.id,
        count: 2,
      });
    },
  },
];
