import { describe, expect, it } from "vitest";
import { driverWorkOf, judgeRun } from "./judge.ts";
import type { RunSnapshots } from "./snapshots.ts";
import { cleanSnapshots, clientStats, faultOutcome } from "./test-support/snapshots.ts";

const judge = (snapshots: RunSnapshots, plannedWarnings: string[] = []) =>
  judgeRun({ params: { drainMs: 5_000 }, plannedWarnings, snapshots });

describe("judgeRun", () => {
  it("passes a clean run with the plan's warnings only", () => {
    expect(judge(cleanSnapshots(), ["--clients not applied"])).toEqual({
      valid: true,
      invalidReasons: [],
      warnings: ["--clients not applied"],
    });
  });

  it("names every problem, in the order the run meets them", () => {
    const s = cleanSnapshots();
    s.ramp = { ...s.ramp, connected: 97, allConnected: false, notes: ["gauge A unanswered"] };
    s.window = {
      ...s.window,
      abortReason: "error rate 60% past the bound",
      statsEnd: clientStats({ ...s.window.statsEnd, errors: 7 }),
      driver: { ...s.window.driver, cpuUtilization: 0.95 },
      notes: ["gauge B unanswered"],
    };
    s.drain = {
      ...s.drain,
      publisher: { ...s.drain.publisher, errors: 4, firstError: "503", maxIssueLagUs: 250_000 },
      delivery: { ...s.drain.delivery, lost: 3, duplicates: 2 },
    };
    s.fault = {
      ...faultOutcome({ recovered: false, reconnectedClients: 60 }),
      failure: "the redis-blip fault could not be injected: no Redis",
      notes: ["could not read the servers' cut counters: boom"],
    };
    s.receipts = { foreignNotifications: 5, unrecognized: 6 };
    s.redis = { cost: null, restartedInWindow: true };
    const verdict = judge(s, ["planned"]);
    expect(verdict.valid).toBe(false);
    expect(verdict.invalidReasons).toEqual([
      "only 97 of 100 clients connected within 15000 ms after the ramp",
      "error rate 60% past the bound",
      "the redis-blip fault could not be injected: no Redis",
      "4 publishes failed (first: 503); the input was not what the scenario asked for",
      "5 notifications reached the wrong user",
      "6 received notifications carried no push-vs-poll marker (an object with userId, seq and intendedAtUs, as published); the server must pass the published body through",
      expect.stringMatching(/^driver CPU was 95% of one core \(limit 90%\)/),
    ]);
    // A fault that could not be injected is invalid; "did not recover" would repeat it.
    expect(verdict.warnings).toEqual([
      "planned",
      "gauge A unanswered",
      "gauge B unanswered",
      "could not read the servers' cut counters: boom",
      "3 notifications not delivered within the 5000 ms drain",
      "2 notifications delivered twice",
      "7 client requests failed during the window",
      "the publisher issued a notification up to 250 ms after its intended time; that delay is inside the latency, as it should be",
      "Redis was restarted inside the window, so its command and CPU counters cover only part of it: not reported",
    ]);
  });

  it("does not count the publishes a redis-blip refused as bad input", () => {
    const s = cleanSnapshots();
    s.drain = { ...s.drain, publisher: { ...s.drain.publisher, errors: 30, firstError: "503" } };
    s.fault = { ...faultOutcome({ publishFailures: 30 }), expectedPublishFailures: 30 };
    expect(judge(s).invalidReasons).toEqual([]);
    s.drain.publisher.errors = 31;
    expect(judge(s).invalidReasons).toEqual([
      "1 publishes failed (first: 503); the input was not what the scenario asked for",
    ]);
  });

  it("warns when an injected fault did not recover before the drain ended", () => {
    const s = cleanSnapshots();
    s.fault = faultOutcome({ kind: "server-restart", recovered: false, reconnectedClients: 99 });
    expect(judge(s)).toEqual({
      valid: true,
      invalidReasons: [],
      warnings: [
        "did not recover from server-restart before the drain ended (99 of 100 disrupted clients back)",
      ],
    });
  });

  it("leaves a publisher lag of up to 100 ms alone", () => {
    const s = cleanSnapshots();
    s.drain.publisher.maxIssueLagUs = 100_000;
    expect(judge(s).warnings).toEqual([]);
  });
});

describe("driverWorkOf", () => {
  it("takes the publisher's clock polling out of the driver's CPU", () => {
    const s = cleanSnapshots();
    // 10 s window, driver at 97 % of a core, 4 s of it polling for intended times.
    s.window = {
      ...s.window,
      measuredMs: 10_000,
      publisherPollingUs: 4_000_000,
      driver: { ...s.window.driver, cpuUtilization: 0.97 },
    };
    expect(driverWorkOf(s.window).cpuUtilization).toBeCloseTo(0.57, 6);
    expect(judge(s).valid).toBe(true);
    s.window = { ...s.window, publisherPollingUs: 0 };
    expect(judge(s).valid).toBe(false);
  });

  it("with driver workers: polling out of the coordinator alone, then the busiest process", () => {
    const s = cleanSnapshots();
    const check = (cpuUtilization: number, eventLoopDelayP99Ms: number) => ({
      ...s.window.driver,
      cpuUtilization,
      eventLoopDelayP99Ms,
    });
    // the coordinator polled 9 of 10 s; a worker was busy on its own at 95 %
    s.window = {
      ...s.window,
      measuredMs: 10_000,
      publisherPollingUs: 9_000_000,
      driver: check(0.97, 2),
      driverProcesses: { coordinator: check(0.97, 2), workers: [check(0.2, 1), check(0.95, 4)] },
    };
    expect(driverWorkOf(s.window)).toEqual({ cpuUtilization: 0.95, eventLoopDelayP99Ms: 4 });
    expect(judge(s).valid).toBe(false);
    // the same coordinator with idle workers: only its work (7 %) counts, the run stands
    s.window = {
      ...s.window,
      driverProcesses: { coordinator: check(0.97, 2), workers: [check(0.2, 1), check(0.3, 1)] },
    };
    expect(driverWorkOf(s.window).cpuUtilization).toBeCloseTo(0.3, 9);
    expect(judge(s).valid).toBe(true);
  });
});
