/**
 * Where a run happened: the EnvironmentInfo of the results, so numbers from two machines
 * (or two commits) are never compared without knowing it.
 */
import { execFile } from "node:child_process";
import { realpath } from "node:fs/promises";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { EnvironmentInfo } from "../model/results.ts";

const execFileAsync = promisify(execFile);

/** The repository root, found from this file's location (src/metrics/ -> ../..). */
const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * `git rev-parse HEAD` of the checkout whose root is `repoRoot` (default: this repository).
 * null when git is missing, `repoRoot` is not the root of a checkout (for example an
 * unpacked tarball that happens to sit inside some other repository, whose sha would be a
 * lie), or anything else goes wrong: a results file is still worth writing.
 */
export async function readGitSha(repoRoot: string = REPO_ROOT): Promise<string | null> {
  try {
    const { stdout } = await execFileAsync("git", ["rev-parse", "--show-toplevel", "HEAD"], {
      cwd: repoRoot,
      timeout: 5_000,
    });
    const [topLevel, sha] = stdout.trim().split("\n");
    if (topLevel === undefined || sha === undefined) return null;
    if ((await realpath(topLevel)) !== (await realpath(repoRoot))) return null;
    // SHA-1 or SHA-256 repositories.
    return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha) ? sha : null;
  } catch {
    return null;
  }
}

export interface CollectEnvironmentOptions {
  /** From `readRedisInfo(...).redisVersion`. */
  redisVersion: string;
  /** Root of the checkout to read the git sha of (default: this repository's root). */
  repoRoot?: string;
}

/** Describes this machine and checkout. Never throws. */
export async function collectEnvironment(
  options: CollectEnvironmentOptions,
): Promise<EnvironmentInfo> {
  const cpus = os.cpus();
  return {
    nodeVersion: process.version,
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    // os.cpus() is empty on some restricted platforms/containers.
    cpuModel: cpus[0]?.model.trim() || "unknown",
    // CPUs this process may run on (respects affinity/cgroup cpusets), not the host total:
    // that is what the driver and server actually had.
    cpuCount: os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
    redisVersion: options.redisVersion,
    gitSha: await readGitSha(options.repoRoot),
  };
}
