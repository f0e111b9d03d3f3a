/**
 * Every fault scenario in `--quick` form against every strategy, end to end as a user runs it
 * (`npm run bench -- --quick --strategies all --scenario faults`, WebSocket included): real server processes killed with kill -9, a real Redis shut
 * down and started again, real sockets dropped, real history trimmed. Asserts the invariants of
 * recovery (recovered, lost = 0, duplicates = 0, resets counted), never speed.
 */

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAULT_SCENARIO_IDS, getScenario } from "../scenarios/index.ts";
import type { BenchResults, RunResult } from "../src/model/results.ts";
import { STRATEGIES } from "../src/model/strategies.ts";
import { validateResults } from "../src/results/validate-results.ts";
import { reasonsBesidesDriverHealth } from "./test-support/driver-health.ts";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");
const BENCH = ["--import", "tsx", path.join(ROOT, "scripts/bench.ts")];

describe("npm run bench -- --quick --strategies all --scenario faults", () => {
  let outDir: string;
  let results: BenchResults;
  let stderr = "";

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), "pvp-faults-"));
    // Redis must be the bench's own: redis-blip shuts it down and starts it again.
    const env = { ...process.env };
    delete env.REDIS_URL;
    try {
      const out = await run(
        process.execPath,
        [
          ...BENCH,
          "--quick",
          "--strategies",
          "all",
          "--scenario",
          "faults",
          "--out",
          outDir,
          "--json",
        ],
        { cwd: ROOT, env, timeout: 540_000, maxBuffer: 64 * 1024 * 1024 },
      );
      stderr = out.stderr;
      results = validateResults(JSON.parse(out.stdout));
    } catch (error) {
      const e = error as { code?: number; stderr?: string };
      throw new Error(`bench failed (${e.code}): ${e.stderr ?? String(error)}`);
    }
  }, 600_000);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  const runOf = (scenario: string, strategy: string): RunResult => {
    const found = results.runs.find((r) => r.scenario === scenario && r.strategy === strategy);
    if (!found) {
      const failed = results.failedRuns.find(
        (r) => r.scenario === scenario && r.strategy === strategy,
      );
      throw new Error(`no run ${scenario}/${strategy}: ${failed?.error ?? "not planned"}`);
    }
    return found;
  };

  const cases = FAULT_SCENARIO_IDS.flatMap((id) =>
    (getScenario(id).strategies ?? STRATEGIES).map((strategy) => [id, strategy] as const),
  );

  it.each(cases)("%s / %s: valid, recovered, nothing lost, nothing twice", (id, strategy) => {
    const r = runOf(id, strategy);
    const name = `${id}/${strategy}: ${r.invalidReasons.join("; ")} ${r.warnings.join("; ")}`;
    // Valid, unless the only reasons are the driver's own health (test-support/driver-health.ts).
    expect(reasonsBesidesDriverHealth(r.invalidReasons), name).toEqual([]);
    const fault = r.fault;
    expect(fault, name).not.toBeNull();
    if (!fault) return;
    expect(fault.kind).toBe(id);
    expect(fault.recovered, name).toBe(true);
    expect(fault.timeToRecoverMs, name).not.toBeNull();
    expect(fault.timeToBackMs, name).not.toBeNull();
    expect(fault.timeToRecoverMs ?? 0).toBeGreaterThanOrEqual(fault.timeToBackMs ?? 0);
    expect(fault.reconnectedClients, name).toBe(fault.disruptedClients);
    // History covers every gap except the one history-trimmed makes on purpose, and that one
    // is announced (skippedByReset), never silent.
    expect(r.delivery.lost, name).toBe(0);
    expect(r.delivery.duplicates, name).toBe(0);
    expect(fault.lost).toBe(r.delivery.lost);
    expect(r.delivery.delivered + r.delivery.skippedByReset).toBe(r.delivery.published);
    if (id !== "history-trimmed") {
      expect(r.delivery.skippedByReset, name).toBe(0);
      expect(fault.resets, name).toBe(0);
    }
  });

  it.each(STRATEGIES.map((s) => [s]))(
    "server-restart / %s: every client was cut off and came back",
    (strategy) => {
      const fault = runOf("server-restart", strategy).fault;
      expect(fault?.disruptedClients).toBe(getScenario("server-restart").quick.params.clients);
      expect(fault?.action).toMatch(/kill -9/);
    },
  );

  it.each(STRATEGIES.map((s) => [s]))(
    "instance-failover / %s: the dead instance's clients moved to the other",
    (strategy) => {
      const r = runOf("instance-failover", strategy);
      const fault = r.fault;
      expect(fault?.targetedClients).toBe(r.params.clients / 2);
      // Only the dead instance's clients are disrupted; none of them stays away.
      expect(fault?.disruptedClients).toBeGreaterThan(0);
      expect(fault?.disruptedClients).toBeLessThanOrEqual(fault?.targetedClients ?? 0);
    },
  );

  it.each(STRATEGIES.map((s) => [s]))(
    "redis-blip / %s: publishes failed while Redis was away, nothing hung",
    (strategy) => {
      const r = runOf("redis-blip", strategy);
      expect(r.fault?.publishFailures).toBeGreaterThan(0);
      expect(r.fault?.action).toMatch(/SHUTDOWN SAVE/);
      // Published (acknowledged) notifications survived the restart: all delivered.
      expect(r.delivery.delivered).toBe(r.delivery.published);
    },
  );

  it.each(STRATEGIES.map((s) => [s]))(
    "reconnect-storm / %s: every client dropped and came back",
    (strategy) => {
      const r = runOf("reconnect-storm", strategy);
      expect(r.fault?.disruptedClients).toBe(r.params.clients);
      // Every SSE / WebSocket client had to open its stream again; polling clients just poll.
      if (strategy === "sse" || strategy === "websocket")
        expect(r.fault?.extraRequests ?? 0).toBeGreaterThanOrEqual(r.params.clients);
    },
  );

  it.each([["sse"], ["websocket"]])(
    "slow-consumer / %s: slow streams cut for a logged reason, buffers bounded, others unaffected in kind",
    (strategy) => {
      const fault = runOf("slow-consumer", strategy).fault;
      expect(fault?.serverCuts ?? 0).toBeGreaterThan(0);
      expect(fault?.cutReasons.length).toBeGreaterThan(0);
      expect(fault?.maxBufferedBytes).not.toBeNull();
      expect(fault?.bufferBoundBytes).not.toBeNull();
      // The bound holds up to one write: the check happens after the write that crosses it.
      const oneNotificationBytes = 70_000;
      expect(fault?.maxBufferedBytes ?? 0).toBeLessThanOrEqual(
        (fault?.bufferBoundBytes ?? 0) + 2 * oneNotificationBytes,
      );
      expect(fault?.othersP99BeforeUs).not.toBeNull();
      expect(fault?.othersP99DuringUs).not.toBeNull();
    },
  );

  it.each(STRATEGIES.map((s) => [s]))(
    "history-trimmed / %s: explicit resets, counted, and the gap accounted for",
    (strategy) => {
      const r = runOf("history-trimmed", strategy);
      expect(r.fault?.resets ?? 0).toBeGreaterThan(0);
      expect(r.fault?.resets ?? 0).toBeLessThanOrEqual(r.fault?.targetedClients ?? 0);
      expect(r.http.resets).toBe(r.fault?.resets);
      expect(r.delivery.skippedByReset).toBeGreaterThan(0);
    },
  );

  it("renders the Faults section of the report", async () => {
    const html = await readFile(path.join(outDir, "latest", "report.html"), "utf8");
    expect(html).toMatch(/Faults/);
    for (const id of FAULT_SCENARIO_IDS) expect(html, id).toContain(id);
    const markdown = await readFile(path.join(outDir, "latest", "summary.md"), "utf8");
    expect(markdown).toMatch(/Faults/);
  });

  it("shows progress on stderr", () => {
    expect(stderr).toMatch(/server-restart/);
  });
});
