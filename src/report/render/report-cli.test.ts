/** scripts/report.ts as a user runs it: exit codes, one-line errors, the path it prints. */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createFixtureResults } from "../test-support/fixture.ts";

const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, "../../../scripts/report.ts");

async function report(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", SCRIPT, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("npm run report", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pvp-cli-"));
    const json = JSON.stringify(createFixtureResults());
    for (const name of ["a", "b"]) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, "results.json"), json);
    }
    await writeFile(join(dir, "old.json"), JSON.stringify({ schemaVersion: 0 }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("--help, bad input and --compare", async () => {
    const [help, missing, old, oneRun, unknown, compare] = await Promise.all([
      report("--help"),
      report(join(dir, "nope")),
      report(join(dir, "old.json")),
      report("--compare", join(dir, "a")),
      report("--colour"),
      report("--compare", join(dir, "a"), join(dir, "b"), "--out", join(dir, "cmp")),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--compare <runA> <runB>");
    for (const bad of [missing, old, oneRun, unknown]) {
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
      expect(bad.stderr).toMatch(/^report: /);
    }
    expect(old.stderr).toContain(
      "schemaVersion 0; this push-vs-poll reads versions 1 to 4: re-run npm run bench",
    );
    expect(compare.code).toBe(0);
    expect(compare.stdout.trim()).toMatch(/cmp[/\\]comparison\.html$/);
    expect(await readFile(join(dir, "cmp", "comparison.md"), "utf8")).toContain(
      "0 change(s) beyond noise",
    );
  });

  test("--target-users re-estimates the answer's scale and leaves results.json alone", async () => {
    const before = await readFile(join(dir, "a", "results.json"), "utf8");
    const [ok, bad, withCompare] = await Promise.all([
      report(join(dir, "a"), "--target-users", "250k"),
      report(join(dir, "b"), "--target-users", "many"),
      report("--compare", join(dir, "a"), join(dir, "b"), "--target-users", "5"),
    ]);
    expect(ok.code).toBe(0);
    const summary = await readFile(join(dir, "a", "summary.md"), "utf8");
    expect(summary).toContain("At 250,000 users (estimate; set with --target-users)");
    expect(await readFile(join(dir, "a", "results.json"), "utf8")).toBe(before);
    for (const failed of [bad, withCompare]) {
      expect(failed.code).toBe(2);
      expect(failed.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(bad.stderr).toContain("--target-users 'many' is not a user count");
  });
});
