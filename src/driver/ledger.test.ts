import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createManualClock } from "./clock.ts";
import { LatencyRecorder } from "./latency-recorder.ts";
import { Ledger } from "./ledger.ts";

function setup() {
  const clock = createManualClock(1_000_000);
  const recorder = new LatencyRecorder({ clock });
  const ledger = new Ledger(recorder, { clock });
  return { clock, recorder, ledger };
}

describe("Ledger", () => {
  it("in-order delivery: everything delivered, latency from the intended time", () => {
    const { clock, recorder, ledger } = setup();
    ledger.startWindow();
    for (let seq = 1; seq <= 3; seq++) {
      const intendedAtUs = clock.nowUs();
      ledger.recordPublished("u1", seq, intendedAtUs);
      clock.advance(1_000 * seq);
      const receipt = ledger.recordReceived("u1", seq, intendedAtUs, clock.nowUs());
      expect(receipt).toEqual({
        status: "new",
        latencyUs: 1_000 * seq,
        reordered: false,
        inWindow: true,
      });
    }
    expect(ledger.allDelivered()).toBe(true);
    expect(ledger.summary()).toEqual({
      published: 3,
      expected: 3,
      delivered: 3,
      lost: 0,
      duplicates: 0,
      reordered: 0,
      skippedByReset: 0,
      deliveredInWindow: 3,
    });
    expect(recorder.summary().count).toBe(3);
  });

  it("lost: expected but never received", () => {
    const { ledger } = setup();
    ledger.recordPublished("u1", 1, 0);
    ledger.recordPublished("u1", 2, 0);
    ledger.recordPublished("u2", 1, 0);
    ledger.recordReceived("u1", 2, 0, 10);
    expect(ledger.allDelivered()).toBe(false);
    expect(ledger.pending()).toBe(2);
    expect(ledger.summary()).toMatchObject({ published: 3, delivered: 1, lost: 2 });
  });

  it("duplicate: counted once as delivered, once as duplicate, latency recorded once", () => {
    const { recorder, ledger } = setup();
    ledger.startWindow(0);
    ledger.recordPublished("u1", 1, 0);
    expect(ledger.recordReceived("u1", 1, 0, 100).status).toBe("new");
    expect(ledger.recordReceived("u1", 1, 0, 200).status).toBe("duplicate");
    expect(ledger.summary()).toMatchObject({ delivered: 1, duplicates: 1, lost: 0 });
    expect(recorder.summary().count).toBe(1);
  });

  it("reordered: a new receipt after a higher seq of the same user", () => {
    const { ledger } = setup();
    for (const seq of [1, 2, 3]) ledger.recordPublished("u1", seq, 0);
    ledger.recordPublished("u2", 1, 0);
    ledger.recordReceived("u1", 1, 0, 10);
    ledger.recordReceived("u1", 3, 0, 20);
    expect(ledger.recordReceived("u1", 2, 0, 30).reordered).toBe(true);
    // Another user's order is independent; a late duplicate is a duplicate, not a reorder.
    expect(ledger.recordReceived("u2", 1, 0, 40).reordered).toBe(false);
    expect(ledger.recordReceived("u1", 1, 0, 50).reordered).toBe(false);
    expect(ledger.summary()).toMatchObject({ delivered: 4, reordered: 1, duplicates: 1 });
  });

  it("early receipt: delivery before the publish is recorded still counts, in window too", () => {
    const { recorder, ledger } = setup();
    ledger.startWindow(0);
    const receipt = ledger.recordReceived("u1", 1, 500, 800);
    expect(receipt).toMatchObject({ status: "new", latencyUs: 300, inWindow: true });
    expect(ledger.summary()).toMatchObject({ published: 0, delivered: 0 });
    expect(ledger.unexpected()).toBe(1);
    ledger.recordPublished("u1", 1, 500);
    expect(ledger.allDelivered()).toBe(true);
    expect(ledger.unexpected()).toBe(0);
    expect(ledger.summary()).toMatchObject({ published: 1, delivered: 1, deliveredInWindow: 1 });
    expect(recorder.summary().count).toBe(1);
  });

  it("publishing the same (user, seq) twice counts once", () => {
    const { ledger } = setup();
    ledger.recordPublished("u1", 1, 0);
    ledger.recordPublished("u1", 1, 0);
    expect(ledger.summary()).toMatchObject({ published: 1, expected: 1, lost: 1 });
  });

  it("window boundaries: only receipts between open and close are measured", () => {
    const { clock, recorder, ledger } = setup();
    for (let seq = 1; seq <= 5; seq++) ledger.recordPublished("u1", seq, 0);
    // Warm-up: before the window opens.
    expect(ledger.recordReceived("u1", 1, 0, clock.nowUs()).inWindow).toBe(false);
    clock.advance(1_000);
    ledger.startWindow(); // at 1_001_000
    // Stamped before the opening (processed late): outside.
    expect(ledger.recordReceived("u1", 2, 0, clock.nowUs() - 1).inWindow).toBe(false);
    // Exactly at the opening: inside.
    expect(ledger.recordReceived("u1", 3, 0, clock.nowUs()).inWindow).toBe(true);
    clock.advance(5_000);
    expect(ledger.recordReceived("u1", 4, 0, clock.nowUs()).inWindow).toBe(true);
    ledger.endWindow();
    // Drain: after the close.
    expect(ledger.recordReceived("u1", 5, 0, clock.nowUs()).inWindow).toBe(false);
    expect(ledger.summary()).toMatchObject({ delivered: 5, deliveredInWindow: 2 });
    expect(recorder.summary().count).toBe(2);
    expect(recorder.measuring).toBe(false);
  });

  it("negative latency (intended time after receipt) clamps to 0", () => {
    const { ledger } = setup();
    expect(ledger.recordReceived("u1", 1, 1_000, 900).latencyUs).toBe(0);
  });
});

/** The accounting identity that must hold after every step, whatever the order of events. */
function expectBalanced(ledger: Ledger): void {
  const s = ledger.summary();
  expect(s.delivered + s.skippedByReset + s.lost).toBe(s.published);
  expect(s.lost).toBeGreaterThanOrEqual(0);
  expect(s.skippedByReset).toBeGreaterThanOrEqual(0);
  expect(ledger.pending()).toBe(s.lost);
  expect(ledger.allDelivered()).toBe(s.lost === 0);
}

describe("Ledger resets", () => {
  it("a reset settles at the next new receipt: missing seqs below it are skipped, not lost", () => {
    const { ledger } = setup();
    for (let seq = 1; seq <= 6; seq++) ledger.recordPublished("u1", seq, 0);
    ledger.recordPublished("u2", 1, 0);
    ledger.recordReceived("u1", 1, 0, 10);
    ledger.recordReset("u1");
    // Nothing settled until the next notification shows where the gap ends.
    expect(ledger.summary()).toMatchObject({ skippedByReset: 0, lost: 6 });
    ledger.recordReceived("u1", 5, 0, 20);
    expect(ledger.summary()).toMatchObject({
      published: 7,
      delivered: 2,
      skippedByReset: 3, // 2, 3, 4
      lost: 2, // u1 seq 6 (still to come) and u2 seq 1: other users are untouched
    });
    expect(ledger.resets()).toBe(1);
    ledger.recordReceived("u1", 6, 0, 30);
    ledger.recordReceived("u2", 1, 0, 30);
    expect(ledger.allDelivered()).toBe(true);
    expect(ledger.pending()).toBe(0);
    expectBalanced(ledger);
  });

  it("a duplicate does not settle a pending reset; only a new receipt does", () => {
    const { ledger } = setup();
    for (let seq = 1; seq <= 4; seq++) ledger.recordPublished("u1", seq, 0);
    ledger.recordReceived("u1", 1, 0, 10);
    ledger.recordReset("u1");
    expect(ledger.recordReceived("u1", 1, 0, 20).status).toBe("duplicate");
    expect(ledger.summary().skippedByReset).toBe(0);
    ledger.recordReceived("u1", 4, 0, 30);
    expect(ledger.summary()).toMatchObject({ delivered: 2, skippedByReset: 2, lost: 0 });
  });

  it("race with publish acks: a seq acknowledged after the settling receipt is skipped too", () => {
    const { ledger } = setup();
    ledger.recordPublished("u1", 1, 0);
    ledger.recordReset("u1");
    // seq 5 arrives before seqs 2..5 were acknowledged to the publisher.
    ledger.recordReceived("u1", 5, 0, 10);
    expect(ledger.summary()).toMatchObject({ published: 1, skippedByReset: 1, lost: 0 });
    for (const seq of [2, 3, 4]) ledger.recordPublished("u1", seq, 0);
    ledger.recordPublished("u1", 5, 0);
    expect(ledger.summary()).toMatchObject({
      published: 5,
      delivered: 1,
      skippedByReset: 4,
      lost: 0,
    });
    // Above the gap, an acknowledged but missing seq is lost as usual.
    ledger.recordPublished("u1", 6, 0);
    expect(ledger.summary()).toMatchObject({ lost: 1 });
    expectBalanced(ledger);
  });

  it("late arrival of a skipped seq moves it to delivered, never counted twice", () => {
    const { recorder, ledger } = setup();
    ledger.startWindow(0);
    for (let seq = 1; seq <= 5; seq++) ledger.recordPublished("u1", seq, 0);
    ledger.recordReset("u1");
    ledger.recordReceived("u1", 4, 0, 10);
    expect(ledger.summary()).toMatchObject({ delivered: 1, skippedByReset: 3, lost: 1 });
    const late = ledger.recordReceived("u1", 2, 0, 20);
    expect(late).toMatchObject({ status: "new", reordered: true, inWindow: true });
    expect(ledger.summary()).toMatchObject({
      delivered: 2,
      skippedByReset: 2,
      lost: 1,
      deliveredInWindow: 2,
    });
    // Again: a duplicate now, nothing moves.
    expect(ledger.recordReceived("u1", 2, 0, 30).status).toBe("duplicate");
    expect(ledger.summary()).toMatchObject({ delivered: 2, skippedByReset: 2, duplicates: 1 });
    expect(recorder.summary().count).toBe(2);
    expectBalanced(ledger);
  });

  it("several resets: the gap widens to the latest settling receipt; each reset is counted", () => {
    const { ledger } = setup();
    for (let seq = 1; seq <= 10; seq++) ledger.recordPublished("u1", seq, 0);
    ledger.recordReset("u1");
    ledger.recordReset("u1"); // announced twice before anything arrived: one gap
    ledger.recordReceived("u1", 3, 0, 10);
    ledger.recordReset("u1");
    ledger.recordReceived("u1", 8, 0, 20);
    expect(ledger.resets()).toBe(3);
    expect(ledger.summary()).toMatchObject({ delivered: 2, skippedByReset: 6, lost: 2 });
    expectBalanced(ledger);
  });

  it("property: any interleaving keeps published = delivered + skipped + lost", () => {
    // Publish acks, receipts (duplicated, reordered, missing) and resets of two users, racing in
    // any order; the identity holds after every step and delivered is exactly what arrived.
    const step = fc.oneof(
      fc.record({
        kind: fc.constantFrom("publish" as const, "receive" as const),
        userId: fc.constantFrom("u1", "u2"),
        seq: fc.integer({ min: 1, max: 12 }),
      }),
      fc.record({ kind: fc.constant("reset" as const), userId: fc.constantFrom("u1", "u2") }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const { ledger } = setup();
        const published = new Set<string>();
        const received = new Set<string>();
        let resets = 0;
        for (const s of steps) {
          if (s.kind === "reset") {
            ledger.recordReset(s.userId);
            resets += 1;
          } else if (s.kind === "publish") {
            ledger.recordPublished(s.userId, s.seq, 0);
            published.add(`${s.userId}/${s.seq}`);
          } else {
            ledger.recordReceived(s.userId, s.seq, 0, 1);
            received.add(`${s.userId}/${s.seq}`);
          }
          expectBalanced(ledger);
        }
        const summary = ledger.summary();
        expect(summary.published).toBe(published.size);
        expect(summary.delivered).toBe([...received].filter((k) => published.has(k)).length);
        expect(ledger.resets()).toBe(resets);
        if (resets === 0) expect(summary.skippedByReset).toBe(0);
        // The view tells the same story as the counts.
        let skipped = 0;
        let publishedSeen = 0;
        for (const userId of ledger.users()) {
          for (const seq of ledger.publishedSeqs(userId)) {
            publishedSeen += 1;
            const byReset = ledger.skippedByReset(userId, seq);
            if (byReset !== null) skipped += 1;
            if (received.has(`${userId}/${seq}`)) expect(byReset).toBeNull();
          }
        }
        expect(publishedSeen).toBe(summary.published);
        expect(skipped).toBe(summary.skippedByReset);
      }),
    );
  });
});

describe("LedgerView", () => {
  it("lists each user's published seqs in the order recorded, once each", () => {
    const { ledger } = setup();
    ledger.recordReceived("u2", 1, 0, 10); // known from a receipt only: nothing published
    for (const seq of [2, 1, 3, 1]) ledger.recordPublished("u1", seq, 0);
    expect([...ledger.users()]).toEqual(["u2", "u1"]);
    expect([...ledger.publishedSeqs("u1")]).toEqual([2, 1, 3]);
    expect([...ledger.publishedSeqs("u2")]).toEqual([]);
    expect([...ledger.publishedSeqs("nobody")]).toEqual([]);
  });

  it("names the reset that announced a seq gone: settled, acknowledged late, covered again", () => {
    const { ledger } = setup();
    for (let seq = 1; seq <= 3; seq++) ledger.recordPublished("u1", seq, 0);
    ledger.recordReceived("u1", 1, 0, 10);
    ledger.recordReset("u1");
    ledger.recordReceived("u1", 4, 0, 20); // reset 1 settles: 2 and 3 gone
    ledger.recordPublished("u1", 4, 0);
    expect(ledger.skippedByReset("u1", 1)).toBeNull(); // received
    expect(ledger.skippedByReset("u1", 2)).toBe(1);
    expect(ledger.skippedByReset("u1", 4)).toBeNull();
    ledger.recordPublished("u1", 3, 0); // already skipped: stays reset 1's
    expect(ledger.skippedByReset("u1", 3)).toBe(1);

    ledger.recordReset("u1");
    ledger.recordPublished("u1", 5, 0);
    ledger.recordReceived("u1", 7, 0, 30); // reset 2 settles: 5 gone, 2 and 3 covered again
    expect(ledger.skippedByReset("u1", 5)).toBe(2);
    expect(ledger.skippedByReset("u1", 2)).toBe(2);
    ledger.recordPublished("u1", 6, 0); // acknowledged after the settling receipt
    expect(ledger.skippedByReset("u1", 6)).toBe(2);
    expect(ledger.summary().skippedByReset).toBe(4); // 2, 3, 5, 6: each counted once

    ledger.recordReceived("u1", 2, 0, 40); // arrived after all: no longer skipped
    expect(ledger.skippedByReset("u1", 2)).toBeNull();
    expect(ledger.skippedByReset("u1", 99)).toBeNull(); // never published
    expect(ledger.skippedByReset("nobody", 1)).toBeNull();
    expectBalanced(ledger);
  });
});
