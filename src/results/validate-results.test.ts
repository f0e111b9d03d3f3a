import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import type { CapacityResult } from "../model/results.ts";
import { benchResultsSchema, formatResultsPath } from "../model/results-schema.ts";
import type { RunSummary } from "../model/summaries.ts";
import { createFixtureResults } from "../report/test-support/fixture.ts";
import { createFixtureWithFaults } from "../report/test-support/fixture-faults.ts";
import { messageThrownBy } from "../util/test-support/thrown.ts";
import { readResults } from "./read-results.ts";
import { ResultsError, validateResults } from "./validate-results.ts";

const ROOT = resolve(import.meta.dirname, "../..");

/** A JSON copy of the fixture, as it would come out of JSON.parse. */
function fixtureJson(): Record<string, unknown> & { runs: Record<string, unknown>[] } {
  return JSON.parse(JSON.stringify(createFixtureResults()));
}

const messageOf = (fn: () => unknown): string => messageThrownBy(fn, ResultsError);

describe("validateResults", () => {
  test("accepts a complete results file and returns it", () => {
    const json = fixtureJson();
    expect(validateResults(json)).toBe(json);
  });

  test.each([
    [
      0,
      "results.json has schemaVersion 0; this push-vs-poll reads versions 1 to 4: re-run npm run bench",
    ],
    [
      5,
      "results.json has schemaVersion 5; this push-vs-poll reads versions 1 to 4: re-run npm run bench",
    ],
    [
      undefined,
      "results.json has no schemaVersion; this push-vs-poll reads versions 1 to 4: re-run npm run bench",
    ],
  ])("an older or newer schemaVersion (%s) says to re-run the bench", (version, expected) => {
    const json = fixtureJson();
    if (version === undefined) delete json.schemaVersion;
    else json.schemaVersion = version;
    expect(messageOf(() => validateResults(json))).toBe(expected);
  });

  test("a version 3 file from before errors by reason and backoff reads them as null (not counted)", () => {
    const json = fixtureJson();
    json.schemaVersion = 3;
    for (const run of json.runs) {
      const http = run.http as Record<string, unknown>;
      delete http.errorsByReason;
      delete http.backoffs;
      delete http.reconnectBackoffMaxMs;
    }
    const upgraded = validateResults(json);
    expect(upgraded.runs.length).toBeGreaterThan(0);
    for (const run of upgraded.runs) {
      expect(run.http).toMatchObject({
        errorsByReason: null,
        backoffs: null,
        reconnectBackoffMaxMs: null,
      });
    }
  });

  test("errors by reason are counts by name; backoff figures numbers or null", () => {
    const json = fixtureJson();
    const http = json.runs[0]?.http as Record<string, unknown>;
    http.errorsByReason = { "HTTP 503": 2, "SSE event over 1 MiB": 1 };
    http.backoffs = 1;
    http.reconnectBackoffMaxMs = 2_000;
    expect(validateResults(json).runs[0]?.http.errorsByReason).toEqual({
      "HTTP 503": 2,
      "SSE event over 1 MiB": 1,
    });
    http.errorsByReason = { "HTTP 503": "two" };
    expect(messageOf(() => validateResults(json))).toBe(
      'runs[0].http.errorsByReason["HTTP 503"] must be a number, got "two"',
    );
    http.errorsByReason = ["HTTP 503"];
    expect(messageOf(() => validateResults(json))).toBe(
      "runs[0].http.errorsByReason must be an object of counts, got an array",
    );
    http.errorsByReason = {};
    http.backoffs = "3";
    expect(messageOf(() => validateResults(json))).toBe(
      'runs[0].http.backoffs must be a number or null, got "3"',
    );
  });

  /** The fixture as a version 2 file had it: one run per group, no repetitions or summaries. */
  function asVersion2(json: Record<string, unknown>): Record<string, unknown> {
    json.schemaVersion = 2;
    const method = json.method as Record<string, unknown>;
    delete method.repeat;
    delete method.sampling;
    delete method.instrumentFloor;
    delete json.summaries;
    for (const run of json.runs as Record<string, unknown>[]) {
      delete run.repetition;
      delete run.publisher;
      delete run.energy;
    }
    return json;
  }

  /** The fixture's summaries as a file without radio energy has them. */
  function withoutEnergy(summaries: RunSummary[]): RunSummary[] {
    return summaries.map((s) => ({
      ...s,
      figures: { ...s.figures, radioEnergyPerUserHourJ: null },
    }));
  }

  test("upgrades a version 3 file: no radio energy was estimated (null, in runs and summaries)", () => {
    const json = fixtureJson();
    json.schemaVersion = 3;
    for (const run of json.runs as Record<string, unknown>[]) delete run.energy;
    for (const summary of json.summaries as { figures: Record<string, unknown> }[]) {
      delete summary.figures.radioEnergyPerUserHourJ;
    }
    const upgraded = validateResults(json);
    expect(upgraded.schemaVersion).toBe(4);
    expect(upgraded.runs.every((r) => r.energy === null)).toBe(true);
    expect(upgraded.summaries.every((s) => s.figures.radioEnergyPerUserHourJ === null)).toBe(true);
  });

  test("checks the radio energy of a run by path", () => {
    const json = fixtureJson();
    const energy = json.runs[0]?.energy as unknown as Record<string, unknown>;
    expect(validateResults(fixtureJson()).runs[0]?.energy?.profile).toBe("lte");
    energy.highPowerShare = 1.5;
    expect(messageOf(() => validateResults(json))).toBe(
      "runs[0].energy.highPowerShare must be a share between 0 and 1, got 1.5",
    );
    energy.highPowerShare = 0.5;
    energy.stateShare = { idle: "most" };
    expect(messageOf(() => validateResults(json))).toBe(
      'runs[0].energy.stateShare.idle must be a number, got "most"',
    );
    energy.stateShare = {};
    energy.sample = { clientIndex: 0, shownMs: 10, segments: [{ state: "idle" }], packets: [] };
    expect(messageOf(() => validateResults(json))).toBe(
      "runs[0].energy.sample.segments[0].startMs must be a number, got nothing (the field is missing)",
    );
  });

  test("upgrades a version 2 file: every run a single repetition, summaries without intervals", () => {
    const json = asVersion2(fixtureJson());
    const upgraded = validateResults(json);
    expect(upgraded.schemaVersion).toBe(4);
    expect(upgraded.method.repeat).toBe(1);
    expect(upgraded.method.sampling).toBeNull();
    expect(upgraded.method.instrumentFloor).toBeNull();
    expect(upgraded.runs.every((r) => r.repetition === 1 && r.publisher === null)).toBe(true);
    expect(upgraded.summaries).toHaveLength(upgraded.runs.length);
    for (const summary of upgraded.summaries) {
      for (const figure of Object.values(summary.figures)) {
        if (figure === null) continue;
        expect(figure.n).toBe(1);
        expect([figure.lo, figure.hi]).toEqual([null, null]);
      }
    }
    // The summaries are what the fresh file would have said, computed by the reader.
    expect(upgraded.summaries).toEqual(withoutEnergy(createFixtureResults().summaries));
  });

  test("upgrades a version 1 file: no faults, no resets (k6 imports: resets not counted)", () => {
    const json = asVersion2(fixtureJson());
    json.schemaVersion = 1;
    const method = json.method as Record<string, unknown>;
    delete method.target;
    const runs = json.runs as Record<string, Record<string, unknown>>[];
    for (const run of runs) {
      delete run.fault;
      delete (run.delivery as Record<string, unknown>).skippedByReset;
      delete (run.http as Record<string, unknown>).resets;
    }
    const first = runs[0] as Record<string, unknown>;
    first.driver = null; // as a k6 import has it
    const upgraded = validateResults(json);
    expect(upgraded.schemaVersion).toBe(4);
    expect(upgraded.method.target).toBeNull();
    expect(upgraded.runs.every((r) => r.fault === null && r.delivery.skippedByReset === 0)).toBe(
      true,
    );
    expect(upgraded.runs[0]?.http.resets).toBeNull();
    expect(upgraded.runs[1]?.http.resets).toBe(0);
  });

  test("checks the summaries and the new run fields of version 3 by path", () => {
    const json = fixtureJson();
    const summaries = json.summaries as { figures: Record<string, Record<string, unknown>> }[];
    (summaries[0]?.figures.latencyP50Ms as Record<string, unknown>).mean = "fast";
    expect(messageOf(() => validateResults(json))).toBe(
      'summaries[0].figures.latencyP50Ms.mean must be a number, got "fast"',
    );
    const other = fixtureJson();
    (other.runs[2] as Record<string, unknown>).repetition = null;
    expect(messageOf(() => validateResults(other))).toBe(
      "runs[2].repetition must be a number, got null",
    );
  });

  test("names the JSON path, the expectation and the value", () => {
    const json = fixtureJson();
    (json.runs[3] as { latency: Record<string, unknown> }).latency.p99Us = "abc";
    expect(messageOf(() => validateResults(json))).toBe(
      'runs[3].latency.p99Us must be a number or null, got "abc"',
    );
  });

  test("reports missing fields, unknown strategies and wrong containers", () => {
    const missing = fixtureJson();
    delete (missing.runs[0] as { server: Record<string, unknown> }).server.peakRssBytes;
    expect(messageOf(() => validateResults(missing))).toBe(
      "runs[0].server.peakRssBytes must be a number, got nothing (the field is missing)",
    );

    const strategy = fixtureJson();
    strategy.runs[5] = { ...strategy.runs[5], strategy: "websockets" };
    expect(messageOf(() => validateResults(strategy))).toBe(
      'runs[5].strategy must be one of "short-polling", "long-polling", "sse", "websocket", got "websockets"',
    );

    const runs = fixtureJson() as Record<string, unknown>;
    runs.runs = {};
    expect(messageOf(() => validateResults(runs))).toBe("runs must be an array, got an object");

    const step = fixtureJson();
    step.runs[10] = { ...step.runs[10], step: 5 };
    expect(messageOf(() => validateResults(step))).toBe(
      "runs[10].step must be an object or null, got 5",
    );
  });

  test("extra fields are ignored and kept: the same object comes back, unchanged", () => {
    const json = fixtureJson();
    json.writtenBy = "a newer push-vs-poll";
    (json.runs[0] as Record<string, unknown>).note = { any: "thing" };
    const before = JSON.stringify(json);
    const results = validateResults(json);
    expect(results).toBe(json);
    expect(JSON.stringify(results)).toBe(before);
  });

  test("an upgraded file is validated after its upgrade, by path", () => {
    const json = asVersion2(fixtureJson());
    const latency = (json.runs as Record<string, unknown>[])[1]?.latency as Record<string, unknown>;
    latency.p50Us = "slow";
    expect(messageOf(() => validateResults(json))).toBe(
      'runs[1].latency.p50Us must be a number or null, got "slow"',
    );
    const v3 = fixtureJson();
    v3.schemaVersion = 3;
    (v3.runs[0] as Record<string, unknown>).energy = "none";
    // a version 3 file keeps a field it should not have had; it is checked like any other
    expect(messageOf(() => validateResults(v3))).toBe(
      'runs[0].energy must be an object or null, got "none"',
    );
  });

  test("params are checked for their type and enum values, not for today's ranges", () => {
    const json = fixtureJson();
    const params = json.runs[0]?.params as Record<string, unknown>;
    params.clients = 1_000_000; // beyond what may run today, but a file records what ran
    expect(() => validateResults(json)).not.toThrow();
    params.fanout = "some-users";
    expect(messageOf(() => validateResults(json))).toBe(
      'runs[0].params.fanout must be one of "per-user", "all-users", got "some-users"',
    );
    params.fanout = "per-user";
    delete params.payloadBytes;
    expect(messageOf(() => validateResults(json))).toBe(
      "runs[0].params.payloadBytes must be a number, got nothing (the field is missing)",
    );
  });

  test("sections a tool may not measure are null; anything else must be the section", () => {
    const json = fixtureJson();
    const run = json.runs[0] as Record<string, unknown>;
    run.server = null;
    run.redis = null;
    run.driver = null;
    run.publisher = null;
    expect(validateResults(json).runs[0]?.server).toBeNull();
    run.redis = [];
    expect(messageOf(() => validateResults(json))).toBe(
      "runs[0].redis must be an object or null, got an array",
    );
  });

  test("driver.workers (--driver-workers) may be absent; when present each share is checked", () => {
    const json = fixtureJson();
    const driver = json.runs[0]?.driver as Record<string, unknown>;
    delete driver.workers;
    expect(validateResults(json).runs[0]?.driver?.workers).toBeUndefined();
    const share = {
      clients: 10,
      published: 5,
      delivered: 5,
      lost: 0,
      duplicates: 0,
      requests: 40,
      bytes: 9_000,
      cpuUtilization: 0.2,
      eventLoopDelayP99Ms: 3,
      rssBytes: 5e7,
    };
    driver.workers = [share, share];
    expect(validateResults(json).runs[0]?.driver?.workers).toHaveLength(2);
    driver.workers = [share, { ...share, rssBytes: undefined }];
    expect(messageOf(() => validateResults(json))).toBe(
      "runs[0].driver.workers[1].rssBytes must be a number, got nothing (the field is missing)",
    );
  });

  test("method.targetUsers may be absent or null; otherwise a number", () => {
    const json = fixtureJson();
    const method = json.method as Record<string, unknown>;
    delete method.targetUsers;
    expect(validateResults(json).method.targetUsers).toBeUndefined();
    method.targetUsers = null;
    expect(validateResults(json).method.targetUsers).toBeNull();
    method.targetUsers = 200_000;
    expect(validateResults(json).method.targetUsers).toBe(200_000);
    method.targetUsers = "200k";
    expect(messageOf(() => validateResults(json))).toBe(
      'method.targetUsers must be a number or null, got "200k"',
    );
  });

  test("fault results, capacity results, failed runs and the tool are checked by path", () => {
    const faults = JSON.parse(JSON.stringify(createFixtureWithFaults()));
    expect(() => validateResults(faults)).not.toThrow();
    const index = faults.runs.findIndex((r: { fault: unknown }) => r.fault !== null);
    expect(index).toBeGreaterThanOrEqual(0);
    faults.runs[index].fault.kind = "meteor-strike";
    expect(messageOf(() => validateResults(faults))).toMatch(
      new RegExp(
        `^runs\\[${index}\\]\\.fault\\.kind must be one of "server-restart", .+, got "meteor-strike"$`,
      ),
    );

    const step = {
      targetRps: null,
      achievedRps: 900,
      p50Ms: 1,
      p99Ms: 4,
      requests: 9000,
      non2xx: 0,
      errors: 0,
      timeouts: 0,
    };
    const capacity: CapacityResult = {
      scenario: "capacity",
      strategy: "short-polling",
      route: "GET /api/notifications/:userId?after=<cursor>",
      connections: 50,
      saturationMs: 5000,
      stepMs: 5000,
      p99BoundMs: 50,
      saturation: step,
      steps: [{ ...step, targetRps: 450 }],
      maxSustainedRps: 450,
      clientsPerProcess: [
        { label: "short polling every 5 s", requestsPerClientPerSec: 0.2, clients: 2250 },
      ],
      server: { cpuSeconds: 4, peakRssBytes: 1e8 },
      valid: true,
      invalidReasons: [],
      warnings: [],
    };
    const json = fixtureJson();
    json.capacity = [JSON.parse(JSON.stringify(capacity))];
    expect(validateResults(json).capacity).toEqual([capacity]);
    const written = json.capacity as { steps: Record<string, unknown>[] }[];
    (written[0]?.steps[0] as Record<string, unknown>).p99Ms = null;
    expect(messageOf(() => validateResults(json))).toBe(
      "capacity[0].steps[0].p99Ms must be a number, got null",
    );

    const failed = fixtureJson();
    failed.failedRuns = [
      { scenario: "steady", step: null, strategy: "sse", repetition: 1, error: 5 },
    ];
    expect(messageOf(() => validateResults(failed))).toBe(
      "failedRuns[0].error must be a string, got 5",
    );

    const tool = fixtureJson();
    tool.tool = { name: "other-bench", version: "1" };
    expect(messageOf(() => validateResults(tool))).toBe(
      'tool.name must be one of "push-vs-poll", got "other-bench"',
    );
  });

  test("the committed example report's results.json, a real bench file, validates", async () => {
    const results = await readResults(join(ROOT, "reports/example"));
    expect(results.schemaVersion).toBe(4);
    expect(results.runs.length).toBeGreaterThan(0);
  });

  test("rejects non-objects without crashing", () => {
    for (const value of [null, 42, "text", [1, 2]]) {
      expect(messageOf(() => validateResults(value))).toMatch(
        /^results\.json must hold a JSON object, got /,
      );
    }
  });
});

describe("the results schema", () => {
  test("paths name array items by index and quote keys that are not identifiers", () => {
    expect(formatResultsPath(["runs", 3, "latency", "p99Us"])).toBe("runs[3].latency.p99Us");
    expect(formatResultsPath(["runs", 0, "http", "errorsByReason", "HTTP 503"])).toBe(
      'runs[0].http.errorsByReason["HTTP 503"]',
    );
    expect(formatResultsPath([])).toBe("");
  });

  test("gives a JSON Schema whose runs require exactly the fields a written run has", () => {
    const schema = z.toJSONSchema(benchResultsSchema, { io: "input" }) as unknown as {
      required: string[];
      properties: { runs: { items: { required: string[]; properties: object } } };
    };
    const fixture = createFixtureResults();
    expect([...schema.required].sort()).toEqual(Object.keys(fixture).sort());
    const run = fixture.runs[0] as unknown as Record<string, unknown>;
    const written = Object.keys(run).filter((key) => key !== "deliveryPath");
    expect([...schema.properties.runs.items.required].sort()).toEqual(written.sort());
    // deliveryPath is optional: described, never required
    expect(Object.keys(schema.properties.runs.items.properties)).toContain("deliveryPath");
  });
});

describe("readResults", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pvp-read-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("reads a run directory or the results file itself", async () => {
    await writeFile(join(dir, "results.json"), JSON.stringify(createFixtureResults()));
    expect((await readResults(dir)).runs).toHaveLength(37);
    expect((await readResults(join(dir, "results.json"))).schemaVersion).toBe(4);
  });

  test("a missing path, a directory without results and bad JSON give one clear line", async () => {
    await expect(readResults(join(dir, "nope"))).rejects.toThrow(
      /nope does not exist; give a run directory/,
    );
    const empty = await mkdtemp(join(dir, "empty-"));
    await expect(readResults(empty)).rejects.toThrow(/has no results\.json/);
    const bad = join(dir, "bad.json");
    await writeFile(bad, "{ not json");
    await expect(readResults(bad)).rejects.toThrow(
      /bad\.json is not valid JSON \(.+\); re-run npm run bench/,
    );
  });

  test("npm run report on a bad results file: one line on stderr, exit 2, no stack trace", async () => {
    const json = fixtureJson();
    (json.runs[3] as { latency: Record<string, unknown> }).latency.p99Us = "abc";
    await writeFile(join(dir, "bad-results.json"), JSON.stringify(json));
    const failure = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", join(ROOT, "scripts/report.ts"), join(dir, "bad-results.json")],
      { cwd: ROOT, timeout: 60_000 },
    ).then(
      () => null,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(2);
    const lines = (failure?.stderr ?? "").trim().split("\n");
    expect(lines).toEqual([
      `report: ${join(dir, "bad-results.json")}: runs[3].latency.p99Us must be a number or null, got "abc"`,
    ]);
  }, 60_000);

  test("schema errors are prefixed with the file", async () => {
    const old = join(dir, "old.json");
    await writeFile(old, JSON.stringify({ schemaVersion: 0 }));
    await expect(readResults(old)).rejects.toThrow(`${old}: results.json has schemaVersion 0`);
  });
});
