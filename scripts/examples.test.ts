/**
 * The example scenario files in examples/ run through the real bench in `--quick`, as the README
 * tells a reader to: a real managed Redis, fresh server processes, real sockets. One bench
 * process for all three files and two strategies keeps it to ~30 s. Asserts what the files ask
 * (the params each run used are the file's quick form), that the ad hoc file sweep reaches the
 * results the way a built-in sweep does, and the invariants every run keeps; never speed.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchResults } from "../src/model/results.ts";
import { resolvePlan } from "../src/plan/resolve-runs.ts";
import { readScenarioFile } from "../src/plan/scenario-file.ts";
import { validateResults } from "../src/results/validate-results.ts";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");
const EXAMPLES = path.join(ROOT, "examples");
const STRATEGIES = ["short-polling", "sse"] as const;

describe("examples/*.json through npm run bench -- --quick", () => {
  let files: string[];
  let outDir: string;
  let results: BenchResults;

  beforeAll(async () => {
    files = (await readdir(EXAMPLES)).filter((f) => f.endsWith(".json")).sort();
    outDir = await mkdtemp(path.join(tmpdir(), "pvp-examples-"));
    const args = [
      "--import",
      "tsx",
      path.join(ROOT, "scripts/bench.ts"),
      "--quick",
      ...files.flatMap((f) => ["--scenario-file", path.join("examples", f)]),
      "--strategies",
      STRATEGIES.join(","),
      "--out",
      outDir,
      "--json",
    ];
    const { stdout } = await run(process.execPath, args, {
      cwd: ROOT,
      timeout: 150_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    results = validateResults(JSON.parse(stdout));
  }, 180_000);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it("holds the three workloads a reader recognises", () => {
    expect(files).toEqual(["chat-unread-badge.json", "live-dashboard.json", "rare-alerts.json"]);
  });

  it("runs every scenario of every file with the params of its quick form", () => {
    expect(results.failedRuns).toEqual([]);
    const scenarios = files.flatMap((f) => readScenarioFile(path.join(EXAMPLES, f)));
    const planned = resolvePlan(scenarios, { quick: true, strategies: STRATEGIES }).runs;
    expect(results.runs.map((r) => `${r.scenario}/${r.step?.label ?? "-"}/${r.strategy}`)).toEqual(
      planned.map((p) => `${p.scenario}/${p.step?.label ?? "-"}/${p.strategy}`),
    );
    for (const [i, r] of results.runs.entries()) {
      expect(r.params, r.scenario).toEqual(planned[i]?.params);
    }
  });

  it("a file's sweep is charted like a built-in one: its runs carry the swept parameter", () => {
    const sweep = results.runs.filter((r) => r.scenario === "live-dashboard-payload");
    expect(sweep.length).toBe(STRATEGIES.length);
    for (const r of sweep) {
      expect(r.step).toEqual({ parameter: "payloadBytes", label: "16 KiB", value: 16_384 });
      expect(r.params.payloadBytes).toBe(16_384);
    }
  });

  it("loses and duplicates nothing, delivers something, and every run is valid", () => {
    for (const r of results.runs) {
      const name = `${r.scenario}/${r.strategy}`;
      expect(r.delivery.lost, name).toBe(0);
      expect(r.delivery.duplicates, name).toBe(0);
      expect(r.delivery.delivered, name).toBeGreaterThan(0);
      expect(r.invalidReasons, name).toEqual([]);
      expect(r.valid, name).toBe(true);
    }
  });

  it("writes the report for the file's scenarios", async () => {
    const [stamp] = (await readdir(outDir)).filter((d) => d !== "latest");
    const summary = await readFile(path.join(outDir, stamp ?? "", "summary.md"), "utf8");
    for (const id of ["chat-unread-badge", "live-dashboard", "rare-alerts"]) {
      expect(summary).toContain(id);
    }
    // the answer, for each workload, and the chat file's own scale (its targetUsers field)
    expect(summary).toContain("## The answer");
    expect(summary).toContain("### chat-unread-badge");
    expect(results.method.targetUsers).toBe(200_000);
    expect(summary).toContain("At 200,000 users (estimate; set with --target-users)");
  });
});
