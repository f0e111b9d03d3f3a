/**
 * The publisher against a scripted publish function (the unit under test is the scheduling
 * and the driver seq, not Redis: the Redis path is covered by the bench and conformance tests).
 */
import { describe, expect, it } from "vitest";
import { monotonicClock } from "./clock.ts";
import { createRng } from "./publish-schedule.ts";
import { type PublishPayload, startPublisher } from "./publisher.ts";

function fixedTimes(count: number, startUs: number, gapUs: number): Iterator<number> {
  return Array.from({ length: count }, (_, i) => startUs + i * gapUs)[Symbol.iterator]();
}

function recorder() {
  const calls: { userId: string; payload: PublishPayload }[] = [];
  const published: { userId: string; seq: number; intendedAtUs: number }[] = [];
  return {
    calls,
    published,
    // Resolves with nothing: the publisher must not need the answer's content.
    publish: async (userId: string, payload: PublishPayload): Promise<void> => {
      calls.push({ userId, payload });
    },
    onPublished: (userId: string, seq: number, intendedAtUs: number) =>
      published.push({ userId, seq, intendedAtUs }),
  };
}

describe("startPublisher", () => {
  it("issues no publish before its intended time and reports the issue-lag distribution", async () => {
    const r = recorder();
    const issuedAt: { intendedAtUs: number; issuedUs: number }[] = [];
    const startUs = monotonicClock.nowUs() + 2_000;
    const publisher = startPublisher({
      ...r,
      publish: async (userId, payload) => {
        issuedAt.push({
          intendedAtUs: payload.meta.intendedAtUs,
          issuedUs: monotonicClock.nowUs(),
        });
        await r.publish(userId, payload);
      },
      userIds: ["a"],
      fanout: "per-user",
      userChoice: "round-robin",
      schedule: fixedTimes(50, startUs, 700),
      clock: monotonicClock,
      payloadBytes: 8,
    });
    await new Promise((resolve) => setTimeout(resolve, 80));
    const stats = await publisher.stop();
    expect(stats.events).toBe(50);
    for (const { intendedAtUs, issuedUs } of issuedAt) {
      expect(issuedUs).toBeGreaterThanOrEqual(intendedAtUs);
    }
    // Percentiles are of the same distribution as the max (histogram precision 0.1 %).
    expect(stats.issueLagP50Us).toBeGreaterThan(0);
    expect(stats.issueLagP50Us).toBeLessThanOrEqual(stats.issueLagP99Us);
    expect(stats.issueLagP99Us).toBeLessThanOrEqual(stats.maxIssueLagUs * 1.001 + 1);
    expect(stats.timerPollingUs).toBeGreaterThan(0);
  });

  it("fires every scheduled event round-robin and reports the driver seq it sent", async () => {
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
    // The marker travels in the payload: the driver's seq, the intended time and the user.
    expect(r.calls.filter((c) => c.userId === "b").map((c) => c.payload.meta)).toEqual([
      { seq: 1, intendedAtUs: startUs + 1000, userId: "b" },
      { seq: 2, intendedAtUs: startUs + 4000, userId: "b" },
      { seq: 3, intendedAtUs: startUs + 7000, userId: "b" },
    ]);
    for (const p of r.published) {
      const call = r.calls.find((c) => c.userId === p.userId && c.payload.meta.seq === p.seq);
      expect(call?.payload.meta.intendedAtUs).toBe(p.intendedAtUs);
    }
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

  it("counts failed publishes and keeps the first error; a failed one consumed its seq", async () => {
    let n = 0;
    const published: number[] = [];
    const publisher = startPublisher({
      publish: async () => {
        n += 1;
        if (n % 2 === 0) throw new Error(`redis said no #${n}`);
      },
      onPublished: (_userId, seq) => published.push(seq),
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
    // Seqs 2 and 4 failed: never reported, and the later ones were not renumbered.
    expect(published.sort((a, b) => a - b)).toEqual([1, 3]);
  });

  it("a publish function that throws synchronously counts as a failed publish", async () => {
    const publisher = startPublisher({
      publish: () => {
        throw new Error("not even a promise");
      },
      onPublished: () => {},
      userIds: ["a"],
      fanout: "per-user",
      userChoice: "round-robin",
      schedule: fixedTimes(2, monotonicClock.nowUs(), 0),
      clock: monotonicClock,
      payloadBytes: 1,
    });
    expect(await publisher.stop()).toMatchObject({ events: 2, published: 0, errors: 2 });
  });
});
