/**
 * Starts nginx + nchan (nchan-config.ts) on a free loopback port, in the foreground of a child
 * process whose config, temp files and error log live in a temporary directory removed on stop.
 * Used by `npm run nchan` and the self-benchmark.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childPids } from "../metrics/child-pids.ts";
import { freeLoopbackPort } from "../util/free-port.ts";
import { findNchanModule, renderNchanConfig } from "./nchan-config.ts";

export interface RunningNchan {
  port: number;
  /** nginx's master process. */
  pid: number;
  /** The master and its workers, for sampling (read once it answered). */
  pids: number[];
  /** Resolves with nginx's exit code once it has stopped (graceful: SIGQUIT). */
  stop(): Promise<number | null>;
  /** Resolves when nginx exits by itself (or is stopped). */
  exited: Promise<number | null>;
}

export const NO_NCHAN_REASON =
  "nginx + nchan not installed (apt-get install nginx-light libnginx-mod-nchan, or npm run setup)";

/** Starts nchan; rejects with NO_NCHAN_REASON when it is not installed, or when it does not answer. */
export async function startNchan(
  options: { port?: number; workers?: number; stdio?: "inherit" | "ignore" } = {},
): Promise<RunningNchan> {
  const modulePath = findNchanModule();
  if (modulePath === null) throw new Error(NO_NCHAN_REASON);
  const port = options.port ?? (await freeLoopbackPort());
  const prefixDir = await mkdtemp(join(tmpdir(), "pvp-nchan-"));
  for (const dir of ["body", "proxy", "fastcgi", "uwsgi", "scgi"])
    await mkdir(join(prefixDir, dir));
  const configPath = join(prefixDir, "nginx.conf");
  await writeFile(
    configPath,
    renderNchanConfig({ modulePath, port, prefixDir, workers: options.workers ?? 1 }),
  );
  const child: ChildProcess = spawn(
    "nginx",
    ["-p", prefixDir, "-c", configPath, "-e", join(prefixDir, "error.log")],
    {
      stdio: ["ignore", options.stdio ?? "ignore", options.stdio ?? "ignore"],
    },
  );
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", async (code) => {
      await rm(prefixDir, { recursive: true, force: true });
      resolve(code);
    });
    child.once("error", () => resolve(null));
  });
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGQUIT");
    return exited;
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) {
      const pid = child.pid ?? 0;
      return { port, pid, pids: [pid, ...(await childPids(pid))], stop, exited };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const log = await readFile(join(prefixDir, "error.log"), "utf8").catch(() => "");
  await stop();
  throw new Error(
    `nginx + nchan did not answer on port ${port} within 5 s${log ? `: ${log.trim().split("\n").at(-1)}` : ""}`,
  );
}
