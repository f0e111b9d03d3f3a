/**
 * The pure helpers of the k6 scripts (scenarios/k6/lib). The k6 binary is not available in
 * CI, so the scripts are type-checked (tsconfig.k6.json) and these parts tested here in Node.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { K6_COUNTERS, K6_METRICS } from "../../scenarios/k6/lib/metric-names.ts";
import {
  applyEnvOverrides,
  arrivalRate,
  buildK6Scenarios,
  publishBody,
  sanitizeRunId,
  targetIndex,
  timelineOf,
  userIdOf,
} from "../../scenarios/k6/lib/plan.ts";
import { runPushReceiverLoop } from "../../scenarios/k6/lib/push-receiver.ts";
import {
  classifyReceipt,
  parsePollAnswer,
  parsePushData,
  type ReceivedNotification,
  SeqTracker,
} from "../../scenarios/k6/lib/receipts.ts";
import { type ScenarioFile, selectRun } from "../../scenarios/k6/lib/scenario-file.ts";
import { summaryText } from "../../scenarios/k6/lib/summary-text.ts";
import type { ScenarioParams } from "../model/scenario.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FILE = JSON.parse(
  readFileSync(path.join(ROOT, "scenarios/k6/scenarios.json"), "utf8"),
) as ScenarioFile;

const steady = (): ScenarioParams => selectRun(FILE, "steady", undefined).params;

describe("selectRun", () => {
  it("picks a scenario and, for sweeps, a step by label or value (default the first)", () => {
    expect(selectRun(FILE, "steady", undefined).params.clients).toBe(1000);
    expect(selectRun(FILE, "ramp", undefined).step?.value).toBe(100);
    expect(selectRun(FILE, "ramp", "4,000 clients").params.clients).toBe(4000);
    expect(selectRun(FILE, "ramp", "10000").params.clients).toBe(10_000);
  });

  it("names the valid choices when the scenario or step is unknown", () => {
    expect(() => selectRun(FILE, "stedy", undefined)).toThrow(
      "unknown SCENARIO 'stedy'; use one of: steady, burst, idle, ramp, rate-sweep, interval-sweep, two-instances",
    );
    expect(() => selectRun(FILE, "ramp", "7")).toThrow(/has no STEP '7'; use a label or value of/);
    expect(() => selectRun(FILE, "steady", "1")).toThrow("scenario 'steady' is not a sweep");
    expect(() => selectRun({ ...FILE, formatVersion: 2 as 1 }, "steady", undefined)).toThrow(
      /run npm run export-scenarios/,
    );
  });
});

describe("plan", () => {
  it("lays out ramp, warm-up, window and drain", () => {
    expect(timelineOf(steady())).toEqual({
      rampMs: 1000,
      publishStartMs: 1000,
      windowStartMs: 2000,
      windowEndMs: 10_000,
      endMs: 12_000,
    });
  });

  it("expresses any positive rate as a whole rate per time unit", () => {
    expect(arrivalRate(100)).toEqual({ rate: 100, timeUnit: "1s" });
    expect(arrivalRate(0.2)).toEqual({ rate: 2, timeUnit: "10s" });
    expect(arrivalRate(0.05)).toEqual({ rate: 5, timeUnit: "100s" });
    expect(arrivalRate(1 / 3)).toEqual({ rate: 333, timeUnit: "1000s" });
    expect(() => arrivalRate(0)).toThrow(/positive/);
  });

  it("builds a receivers scenario (one VU per user) and an open-model publisher", () => {
    const scenarios = buildK6Scenarios(steady());
    expect(scenarios.receivers).toEqual({
      executor: "per-vu-iterations",
      exec: "receive",
      vus: 1000,
      iterations: 1,
      maxDuration: "17000ms",
      gracefulStop: "0s",
    });
    expect(scenarios.publisher).toMatchObject({
      executor: "constant-arrival-rate",
      exec: "publish",
      startTime: "1000ms",
      duration: "9000ms",
      rate: 100, // 0.1/s per user x 1,000 users
      timeUnit: "1s",
    });
  });

  it("publishes broadcasts as events and leaves the publisher out when nothing is published", () => {
    const burst = buildK6Scenarios(selectRun(FILE, "burst", undefined).params);
    // one broadcast every 4 s: 0.25 events/s
    expect(burst.publisher).toMatchObject({ rate: 25, timeUnit: "100s" });
    expect(buildK6Scenarios(selectRun(FILE, "idle", undefined).params).publisher).toBeUndefined();
  });

  it("targets users round-robin (fixed) or at random (poisson)", () => {
    const fixed = { ...steady(), publishModel: "fixed" as const, clients: 3 };
    expect([0, 1, 2, 3, 4].map((i) => targetIndex(fixed, i, Math.random))).toEqual([0, 1, 2, 0, 1]);
    const poisson = { ...steady(), clients: 10 };
    expect(targetIndex(poisson, 0, () => 0.999_999)).toBe(9);
    expect(targetIndex(poisson, 0, () => 0)).toBe(0);
  });

  it("makes user ids the servers accept, unique per run", () => {
    expect(userIdOf("k6abc", 0)).toBe("k6abc-user-1");
    expect(userIdOf(sanitizeRunId("run 2026/01/01"), 41)).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(() => sanitizeRunId("///")).toThrow(/no usable characters/);
  });

  it("applies CLIENTS and DURATION_MS overrides and rejects bad ones", () => {
    const { params, notes } = applyEnvOverrides(steady(), {
      CLIENTS: "5000",
      DURATION_MS: "60000",
    });
    expect(params.clients).toBe(5000);
    expect(params.durationMs).toBe(60_000);
    expect(notes).toHaveLength(2);
    expect(applyEnvOverrides(steady(), {}).params).toEqual(steady());
    expect(() => applyEnvOverrides(steady(), { CLIENTS: "many" })).toThrow(
      "CLIENTS 'many' must be a whole number >= 1",
    );
  });

  it("publishes a body the server accepts: title, message of payloadBytes, flat meta", () => {
    const body = JSON.parse(publishBody(steady(), 1_700_000_000_000, 7)) as Record<string, unknown>;
    expect(body).toEqual({
      title: "k6 #7",
      message: "x".repeat(200),
      meta: { sentAtMs: 1_700_000_000_000, pubSeq: 7 },
    });
  });
});

const note = (seq: number, extra: Partial<ReceivedNotification> = {}): ReceivedNotification => ({
  id: `1700000000000-${seq}`,
  userId: "r-user-1",
  seq,
  sentAt: 1_700_000_000_000,
  meta: { sentAtMs: 1_000, pubSeq: seq },
  ...extra,
});

describe("receipts", () => {
  it("parses poll answers and push data, naming what is wrong", () => {
    const answer = parsePollAnswer(
      JSON.stringify({ notifications: [note(1)], cursor: "1700000000000-1", count: 1 }),
    );
    expect(answer.notifications[0]?.seq).toBe(1);
    expect(parsePushData(JSON.stringify(note(2))).meta?.sentAtMs).toBe(1_000);
    expect(() => parsePollAnswer("<html>")).toThrow("poll answer is not JSON");
    expect(() =>
      parsePollAnswer('{"notifications":[{"id":"1-1"}],"cursor":"0-0","count":0}'),
    ).toThrow("notifications[0].userId is not a string");
    expect(() => parsePushData('{"id":"1-1","userId":"u","seq":0,"sentAt":1}')).toThrow(
      "push event data.seq is not a positive integer",
    );
  });

  it("tracks gaps, duplicates and reordering per user", () => {
    const tracker = new SeqTracker();
    expect(tracker.observe(1)).toEqual({ duplicate: false, gap: 0, reordered: false });
    expect(tracker.observe(4)).toEqual({ duplicate: false, gap: 2, reordered: false });
    expect(tracker.observe(4)).toEqual({ duplicate: true, gap: 0, reordered: false });
    expect(tracker.observe(2)).toEqual({ duplicate: false, gap: 0, reordered: true });
    expect(tracker.highestSeq).toBe(4);
  });

  it("records latency only for new receipts inside the window", () => {
    const window = { startMs: 1_000, endMs: 2_000 };
    const tracker = new SeqTracker();
    expect(classifyReceipt(note(1), "r-user-1", tracker, 1_500, window)).toEqual({
      foreign: false,
      duplicate: false,
      reordered: false,
      gap: 0,
      inWindow: true,
      latencyMs: 500,
    });
    expect(classifyReceipt(note(1), "r-user-1", tracker, 1_600, window).duplicate).toBe(true);
    expect(classifyReceipt(note(2), "r-user-1", tracker, 2_000, window)).toMatchObject({
      inWindow: false,
      latencyMs: null,
    });
    expect(
      classifyReceipt(note(3, { meta: {} }), "r-user-1", tracker, 1_500, window),
    ).toMatchObject({ inWindow: true, latencyMs: null });
    expect(classifyReceipt(note(4), "r-user-2", tracker, 1_500, window).foreign).toBe(true);
  });
});

describe("metric names and summary text", () => {
  it("lists every counter once, with k6-valid names", () => {
    expect(new Set(K6_COUNTERS).size).toBe(K6_COUNTERS.length);
    for (const name of [...K6_COUNTERS, K6_METRICS.deliveryLatency]) {
      // k6 metric names: ASCII letters, digits, underscores, 1..128 chars.
      expect(name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/);
    }
  });

  it("prints a short text summary, n/a for what is absent", () => {
    const text = summaryText({
      metrics: {
        notifications_published: { type: "counter", contains: "default", values: { count: 10 } },
        delivery_latency: { type: "trend", contains: "time", values: { med: 2, "p(99)": 7.25 } },
      },
    });
    expect(text).toContain("published 10 (errors n/a)");
    expect(text).toContain("p50 2, p90 n/a, p99 7.25");
    expect(text).toContain("npm run report -- --k6 summary.json");
  });
});

describe("runPushReceiverLoop", () => {
  // A real blocking sleep, as k6's sleep blocks the VU.
  const blockMs = (ms: number): void => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  };

  it("reconnects until the end, one error per failed connection, the last wait cut at the end", () => {
    const startMs = Date.now();
    const endAtMs = startMs + 100;
    const connects: boolean[] = [];
    const errors: string[] = [];
    const waitsMs: number[] = [];
    runPushReceiverLoop({
      endAtMs,
      reconnectDelayMs: 30,
      onConnect: (isReconnect) => connects.push(isReconnect),
      onError: (what) => errors.push(what),
      connect: (fail) => {
        fail(`connection ${connects.length}`);
        fail("a second failure of the same connection");
      },
      sleepMs: (ms) => {
        waitsMs.push(ms);
        blockMs(ms);
      },
    });
    expect(Date.now()).toBeGreaterThanOrEqual(endAtMs);
    expect(connects.length).toBeGreaterThanOrEqual(2);
    expect(connects).toEqual([false, ...connects.slice(1).map(() => true)]);
    expect(errors).toEqual(connects.map((_, index) => `connection ${index + 1}`));
    for (const waitMs of waitsMs) expect(waitMs).toBeLessThanOrEqual(30);
  });
});
