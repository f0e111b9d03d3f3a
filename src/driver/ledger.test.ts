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
