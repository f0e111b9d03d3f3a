import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { collectEnvironment, readGitSha } from "./environment-info.ts";

const execFileAsync = promisify(execFile);
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

describe("collectEnvironment", () => {
  it("describes this machine", async () => {
    const env = await collectEnvironment({ redisVersion: "7.0.15" });
    expect(env.nodeVersion).toBe(process.version);
    expect(env.os).toBe(`${os.type()} ${os.release()}`);
    expect(env.arch).toBe(process.arch);
    expect(env.cpuModel.length).toBeGreaterThan(0);
    expect(Number.isInteger(env.cpuCount) && (env.cpuCount ?? 0) >= 1).toBe(true);
    expect(env.totalMemoryBytes).toBeGreaterThan(0);
    expect(env.redisVersion).toBe("7.0.15");
    // A checkout in development, possibly not in a packaged copy: either is fine.
    expect(env.gitSha === null || SHA.test(env.gitSha)).toBe(true);
  });
});

describe("readGitSha", () => {
  it("agrees with git itself at the repository root", async () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const expected = await execFileAsync("git", ["rev-parse", "HEAD"], { cwd: root }).then(
      ({ stdout }) => stdout.trim(),
      () => null,
    );
    expect(await readGitSha()).toBe(expected);
  });

  it("is null outside a checkout, without throwing", async () => {
    const dir = await mkdtemp(join(os.tmpdir(), "pvp-no-git-"));
    try {
      expect(await readGitSha(dir)).toBeNull();
      expect(await readGitSha(join(dir, "does-not-exist"))).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("is null for a subdirectory of a checkout: only the root's sha is trusted", async () => {
    const here = fileURLToPath(new URL(".", import.meta.url));
    expect(await readGitSha(here)).toBeNull();
  });
});
