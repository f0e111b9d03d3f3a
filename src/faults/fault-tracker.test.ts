import { describe, expect, it } from "vitest";
import { type CounterSample, FaultTracker } from "./fault-tracker.ts";

const S = 1_000_000; // one second in us

function sample(atUs: number, requests: number, extra: Partial<CounterSample> = {}): CounterSample {
  return {
    atUs,
    requests,
    bytes: requests * 100,
    errors: 0,
    publishFailures: 0,
    resets: 0,
    ...extra,
  };
}

/** Window at 0 s, fault at 10 s; 10 requests/s before the fault. */
function trackerWithBaseline(targeted: ReadonlySet<string> | null = null): FaultTracker {
  const tracker = new FaultTracker(targeted);
  tracker.markWindowStart(0);
  for (let t = 0; t <= 10; t++) tracker.sample(sample(t * S, t * 10));
  tracker.markFaultStart(10 * S);
  return tracker;
}

describe("FaultTracker", () => {
  it("a client disrupted at the fault and back 2 s later: back at 2 s, recovered when its backlog arrived", () => {
    const tracker = trackerWithBaseline();
    tracker.published("u1", 1, 9.9 * S); // in flight when the fault hit
    tracker.disrupted("u1", 10 * S);
    tracker.published("u1", 2, 11 * S);
    tracker.markFaultEnd(10 * S);
    tracker.connected("u1", 12 * S);
    tracker.received("u1", 1, 9.9 * S, 12 * S);
    tracker.received("u1", 2, 11 * S, 12.5 * S);
    // 20 s: the fault cost 15 extra requests over the 10/s baseline up to recovery at 12.5 s.
    tracker.sample(sample(12.5 * S, 100 + 25 + 15));
    tracker.sample(sample(20 * S, 300));
    tracker.markWindowEnd(20 * S);
    const figures = tracker.summarize();
    expect(figures).toMatchObject({
      disruptedClients: 1,
      reconnectedClients: 1,
      timeToBackMs: 2000,
      timeToRecoverMs: 2500,
      recovered: true,
      extraRequests: 15,
      extraBytes: 1500,
      outstanding: 0,
    });
  });

  it("a disruption before the fault does not count; only the last one after it does", () => {
    const tracker = new FaultTracker(null);
    tracker.markWindowStart(0);
    tracker.sample(sample(0, 0));
    tracker.disrupted("early", 1 * S); // before the fault: ignored
    tracker.markFaultStart(5 * S);
    tracker.disrupted("u", 5 * S);
    tracker.connected("u", 6 * S);
    tracker.disrupted("u", 7 * S); // disrupted again: back only after this one
    tracker.connected("u", 9 * S);
    tracker.markFaultEnd(5 * S);
    tracker.sample(sample(10 * S, 0));
    const figures = tracker.summarize();
    expect(figures.disruptedClients).toBe(1);
    expect(figures.timeToBackMs).toBe(4000);
  });

  it("not recovered while a disrupted client never came back or the backlog never arrived", () => {
    const gone = trackerWithBaseline();
    gone.disrupted("u1", 10.5 * S);
    gone.markFaultEnd(10 * S);
    expect(gone.summarize()).toMatchObject({
      recovered: false,
      timeToBackMs: null,
      timeToRecoverMs: null,
      reconnectedClients: 0,
    });

    const missing = trackerWithBaseline();
    missing.published("u2", 1, 10.2 * S);
    missing.markFaultEnd(11 * S);
    const figures = missing.summarize();
    expect(figures).toMatchObject({ recovered: false, outstanding: 1, timeToBackMs: 1000 });
  });

  it("notifications announced gone by a reset count as accounted for, even when their ack comes late", () => {
    const tracker = trackerWithBaseline(new Set(["away"]));
    tracker.published("away", 1, 9 * S);
    tracker.received("away", 1, 9 * S, 9.01 * S);
    tracker.disrupted("away", 10 * S);
    tracker.published("away", 2, 11 * S);
    tracker.markFaultEnd(13 * S);
    tracker.connected("away", 13 * S);
    tracker.reset("away", 13 * S);
    tracker.received("away", 4, 12.5 * S, 13.1 * S);
    tracker.published("away", 3, 12 * S); // the ack of 3 arrives after the receipt of 4
    tracker.published("away", 4, 12.5 * S);
    const figures = tracker.summarize();
    expect(figures).toMatchObject({ recovered: true, outstanding: 0, timeToRecoverMs: 3100 });
  });

  it("what a reset announced gone is the ledger's verdict, even after a reordered receipt", () => {
    const tracker = trackerWithBaseline(new Set(["away"]));
    tracker.published("away", 1, 10.1 * S);
    tracker.reset("away", 11 * S);
    tracker.received("away", 6, 10.6 * S, 11.1 * S); // settles: 1 (and 2..5, not acked yet) gone
    tracker.reset("away", 12 * S);
    tracker.received("away", 3, 10.3 * S, 12.1 * S); // reordered: the gap still ends at 6
    for (const seq of [2, 4, 5, 6]) tracker.published("away", seq, (10 + seq / 10) * S);
    tracker.markFaultEnd(12.5 * S);
    // 4 and 5 were acked after the gap was settled: announced gone by the first reset.
    expect(tracker.summarize()).toMatchObject({ recovered: true, outstanding: 0 });
  });

  it("splits the latency of the clients not targeted into before and from the fault on", () => {
    const tracker = trackerWithBaseline(new Set(["slow"]));
    for (let i = 0; i < 100; i++) tracker.received("fast", i + 1, 5 * S, 5 * S + 2_000);
    for (let i = 0; i < 100; i++) tracker.received("fast", 200 + i, 11 * S, 11 * S + 8_000);
    tracker.received("slow", 1, 11 * S, 19 * S); // targeted: not in the others' figures
    tracker.markFaultEnd(15 * S);
    tracker.markWindowEnd(20 * S);
    const figures = tracker.summarize();
    expect(figures.othersP99BeforeUs).toBeGreaterThanOrEqual(1_990);
    expect(figures.othersP99BeforeUs).toBeLessThanOrEqual(2_010);
    expect(figures.othersP99DuringUs).toBeGreaterThanOrEqual(7_990);
    expect(figures.othersP99DuringUs).toBeLessThanOrEqual(8_010);
  });

  it("has no 'others' when the fault hits every client", () => {
    const tracker = trackerWithBaseline(null);
    tracker.received("u", 1, 5 * S, 5 * S + 10);
    tracker.markFaultEnd(10 * S);
    expect(tracker.summarize()).toMatchObject({ othersP99BeforeUs: null, othersP99DuringUs: null });
  });

  it("counts errors, resets and publish failures from the fault's start only", () => {
    const tracker = new FaultTracker(null);
    tracker.markWindowStart(0);
    tracker.sample(sample(0, 0, { errors: 3, resets: 1, publishFailures: 2 }));
    tracker.sample(sample(2 * S, 20, { errors: 3, resets: 1, publishFailures: 2 }));
    tracker.markFaultStart(2 * S);
    tracker.sample(sample(4 * S, 30, { errors: 10, resets: 4, publishFailures: 7 }));
    tracker.markFaultEnd(3 * S);
    expect(tracker.summarize()).toMatchObject({ errors: 7, resets: 3, publishFailures: 5 });
  });
});
