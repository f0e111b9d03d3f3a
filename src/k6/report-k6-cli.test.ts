/**
 * `npm run report -- --k6 <summary.json>...` end to end: imports the fixtures, writes a valid
 * results.json and the usual report files; bad input is one line on stderr and exit code 2.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateResults } from "../results/validate-results.ts";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const FIXTURES = path.join(import.meta.dirname, "fixtures");

async function report(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "scripts/report.ts"), ...args],
      { cwd: ROOT, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("npm run report -- --k6", () => {
  let out = "";
  beforeAll(async () => {
    out = await mkdtemp(path.join(tmpdir(), "pvp-k6-report-"));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it("imports summaries into results.json and renders the report", async () => {
    const result = await report([
      "--k6",
      path.join(FIXTURES, "sse-steady.summary.json"),
      path.join(FIXTURES, "long-polling-burst-no-setup.summary.json"),
      "--strategy",
      "long-polling",
      "--scenario",
      "burst",
      "--out",
      out,
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/report\.html$/);
    const results = validateResults(
      JSON.parse(await readFile(path.join(out, "results.json"), "utf8")),
    );
    // --strategy / --scenario fill in only what setup_data lacks; the SSE one keeps its own.
    expect(results.runs.map((r) => `${r.scenario}/${r.strategy}`)).toEqual([
      "steady/sse",
      "burst/long-polling",
    ]);
    expect((await stat(path.join(out, "summary.md"))).size).toBeGreaterThan(0);
  });

  it("reports unreadable or invalid summaries as usage errors (exit 2)", async () => {
    const missing = await report(["--k6", path.join(out, "nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^report: k6 summary .*nope\.json cannot be read/);
    const noStrategy = await report([
      "--k6",
      path.join(FIXTURES, "long-polling-burst-no-setup.summary.json"),
      "--out",
      out,
    ]);
    expect(noStrategy.code).toBe(2);
    expect(noStrategy.stderr.trim()).toBe(
      `report: ${path.join(FIXTURES, "long-polling-burst-no-setup.summary.json")}: k6 summary: no strategy: pass --strategy (setup_data.strategy is absent)`,
    );
    const none = await report(["--k6"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--k6 needs at least one summary file/);
  });
});
