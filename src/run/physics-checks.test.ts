/** Physics checks on constructed results: each rule's pass, its warning, and what it skips. */
import { describe, expect, it } from "vitest";
import type { RunResult } from "../model/results.ts";
import {
  createFixtureRun,
  createRandom,
  FIXTURE_BASE_PARAMS,
} from "../report/test-support/fixture.ts";
import { physicsChecks } from "./physics-checks.ts";

function run(strategy: RunResult["strategy"], patch: (r: RunResult) => void = () => {}): RunResult {
  const result = createFixtureRun(
    { scenario: "steady", step: null, strategy, params: FIXTURE_BASE_PARAMS },
    createRandom(7),
  );
  patch(result);
  return result;
}

describe("physicsChecks", () => {
  it("passes short polling whose mean is half the interval plus a round trip", () => {
    const r = run("short-polling", (x) => {
      x.latency = { ...x.latency, count: 500, meanUs: 503_000 };
    });
    expect(physicsChecks(r)).toEqual([]);
  });

  it("warns when short polling's mean is off interval / 2 by more than 15 %", () => {
    const late = run("short-polling", (x) => {
      x.latency = { ...x.latency, count: 500, meanUs: 640_000 };
    });
    expect(physicsChecks(late)).toEqual([
      expect.stringMatching(
        /^physics check: short polling's mean latency was 640\.0 ms, outside 425\.\.580 ms/,
      ),
    ]);
    const early = run("short-polling", (x) => {
      x.latency = { ...x.latency, count: 500, meanUs: 300_000 };
    });
    expect(physicsChecks(early)).toHaveLength(1);
  });

  it("says nothing on too few samples", () => {
    const r = run("short-polling", (x) => {
      x.latency = { ...x.latency, count: 5, meanUs: 50_000 };
    });
    expect(physicsChecks(r)).toEqual([]);
  });

  it("warns when low-rate long polling costs under ~1 request per delivery", () => {
    const r = run("long-polling", (x) => {
      x.perDelivered = { ...x.perDelivered, requests: 0.4 };
    });
    expect(physicsChecks(r)).toEqual([
      expect.stringMatching(/^physics check: long polling made 0\.40 requests per delivered/),
    ]);
    const fast = run("long-polling", (x) => {
      x.perDelivered = { ...x.perDelivered, requests: 0.4 };
      x.params = { ...x.params, ratePerSec: 10 };
    });
    // Batching is expected at 10/s per user: many notifications per answer.
    expect(physicsChecks(fast)).toEqual([]);
  });

  it("warns when SSE makes requests inside the window", () => {
    expect(physicsChecks(run("sse", (x) => (x.http = { ...x.http, requests: 0 })))).toEqual([]);
    const r = run("sse", (x) => {
      x.http = { ...x.http, requests: 12, reconnects: 12 };
    });
    expect(physicsChecks(r)).toEqual([
      "physics check: SSE made 12 requests inside the window where it needs 0 (one stream per client, opened before it): 12 streams reconnected",
    ]);
  });

  it("leaves fault runs alone: a fault bends every rule", () => {
    const r = run("sse", (x) => {
      x.http = { ...x.http, requests: 500 };
      x.fault = {} as RunResult["fault"];
    });
    expect(physicsChecks(r)).toEqual([]);
  });
});
