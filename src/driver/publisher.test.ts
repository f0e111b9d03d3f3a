/**
 * The publisher against a scripted publish function (the unit under test is the scheduling,
 * not Redis: the Redis path is covered by the bench and conformance tests).
 */
import { describe, expect, it } from "vitest";
import { monotonicClock } from "./clock.ts";
import { createRng } from "./publish-schedule.ts";
import { type PublishPayload, startPublisher } from "./publisher.ts";

function fixedTimes(count: number, startUs: number, gapUs: number): Iterator<number> {
  return Array.from({ length: count }, (_, i) => startUs + i * gapUs)[Symbol.iterator]();
}

function recorder() {
  const seqByUser = new Map<string, number>();
  const calls: { userId: string; payload: PublishPayload }[] = [];
  const published: { userId: string; seq: number; intendedAtUs: number }[] = [];
  return {
    calls,
    published,
    publish: async (userId: string, payload: PublishPayload) => {
      calls.push({ userId, payload });
      const seq = (seqByUser.get(userId) ?? 0) + 1;
      seqByUser.set(userId, seq);
      return { seq };
    },
    onPublished: (userId: string, seq: number, intendedAtUs: number) =>
      published.push({ userId, seq, intendedAtUs }),
  };
}

describe("startPublisher", () => {
  it("fires every scheduled event round-robin and reports the seq Redis assigned", async () => {
    const r = recorder();
    const startUs = monotonicClock.nowUs();
    const publisher = startPublisher({
      ...r,
      userIds: ["a", "b", "c"],
      fanout: "per-user",
      userChoice: "round-robin",
      schedule: fixedTimes(9, startUs, 1000),
      clock: monotonicClock,
      payloadBytes: 16,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stats = await publisher.stop();
    expect(stats).toMatchObject({ events: 9, published: 9, errors: 0 });
    expect(r.calls.map((c) => c.userId)).toEqual(["a", "b", "c", "a", "b", "c", "a", "b", "c"]);
    expect(r.published.filter((p) => p.userId === "b").map((p) => p.seq)).toEqual([1, 2, 3]);
    expect(r.calls[0]?.payload.message).toHaveLength(16);
    // The intended time travels with the notification, exactly as scheduled.
    expect(r.calls.map((c) => c.payload.meta.intendedAtUs)).toEqual(
      Array.from({ length: 9 }, (_, i) => startUs + i * 1000),
    );
  });

  it("all-users fanout sends one notification per user per event, same intended time", async () => {
    const r = recorder();
    const startUs = monotonicClock.nowUs();
    const publisher = startPublisher({
      ...r,
      userIds: ["a", "b", "c", "d"],
      fanout: "all-users",
      userChoice: "round-robin",
      schedule: fixedTimes(2, startUs, 5000),
      clock: monotonicClock,
      payloadBytes: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stats = await publisher.stop();
    expect(stats).toMatchObject({ events: 2, published: 8 });
    const firstEvent = r.calls.slice(0, 4);
    expect(firstEvent.map((c) => c.userId)).toEqual(["a", "b", "c", "d"]);
    expect(new Set(firstEvent.map((c) => c.payload.meta.intendedAtUs)).size).toBe(1);
  });

  it("random user choice spreads events over all users (Poisson splitting)", async () => {
    const r = recorder();
    const users = Array.from({ length: 10 }, (_, i) => `u${i}`);
    const publisher = startPublisher({
      ...r,
      userIds: users,
      fanout: "per-user",
      userChoice: "random",
      random: createRng(42),
      schedule: fixedTimes(5000, monotonicClock.nowUs(), 0),
      clock: monotonicClock,
      payloadBytes: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await publisher.stop();
    const perUser = users.map((u) => r.calls.filter((c) => c.userId === u).length);
    expect(perUser.reduce((a, b) => a + b, 0)).toBe(5000);
    // Binomial(5000, 0.1): mean 500, sd ~21; 400..600 is a ±4.7 sd band for a fixed seed.
    for (const n of perUser) expect(n).toBeGreaterThan(400);
    for (const n of perUser) expect(n).toBeLessThan(600);
  });

  it("does not wait for a slow publish before the next is due (open model)", async () => {
    const started: number[] = [];
    const startUs = monotonicClock.nowUs();
    const publisher = startPublisher({
      publish: async () => {
        started.push(monotonicClock.nowUs());
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { seq: started.length };
      },
      onPublished: () => {},
      userIds: ["a"],
      fanout: "per-user",
      userChoice: "round-robin",
      schedule: fixedTimes(5, startUs, 10_000),
      clock: monotonicClock,
      payloadBytes: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 80));
    // All five were issued while the first was still in flight (each takes 200 ms).
    expect(started).toHaveLength(5);
    const stats = await publisher.stop();
    expect(stats.published).toBe(5);
  });

  it("counts failed publishes and keeps the first error", async () => {
    let n = 0;
    const publisher = startPublisher({
      publish: async () => {
        n += 1;
        if (n % 2 === 0) throw new Error(`redis said no #${n}`);
        return { seq: n };
      },
      onPublished: () => {},
      userIds: ["a"],
      fanout: "per-user",
      userChoice: "round-robin",
      schedule: fixedTimes(4, monotonicClock.nowUs(), 0),
      clock: monotonicClock,
      payloadBytes: 1,
    });
    const stats = await publisher.stop();
    expect(stats).toMatchObject({
      events: 4,
      published: 2,
      errors: 2,
      firstError: "redis said no #2",
    });
  });
});
