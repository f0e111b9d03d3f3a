/**
 * A real nginx in front of the run's server instances: a configuration generated for the run
 * (src/proxy/nginx-config.ts), a free port on 127.0.0.1, a per-run directory for its pid file,
 * logs, temp paths and (with TLS) its certificate, health-checked through to an upstream, and
 * its master and worker sampled from /proc like a server process. `stop()` ends it and leaves
 * the directory when something went wrong, so error.log can be read.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { childPids } from "../metrics/child-pids.ts";
import {
  type ProcessSampler,
  type ProcessWindowStats,
  startProcessSampler,
} from "../metrics/process-sampler.ts";
import { sumWindows } from "../metrics/process-windows.ts";
import type { DeliveryPath } from "../model/delivery-path.ts";
import { freeLoopbackPort } from "../util/free-port.ts";
import { renderNginxConfig } from "./nginx-config.ts";
import { makeTlsCertificate, type TlsCertificate } from "./tls-certificate.ts";

/** Debian's nginx-light puts the binary here; NGINX_PATH overrides it. */
export const NGINX_PATH = process.env.NGINX_PATH ?? "/usr/sbin/nginx";
export const HAS_NGINX = existsSync(NGINX_PATH);
export const NO_NGINX_REASON = `no nginx at ${NGINX_PATH}; install it with npm run setup (Debian package nginx-light), or set NGINX_PATH`;

/** How long nginx may take to answer a proxied /healthz after it was spawned. */
export const NGINX_START_TIMEOUT_MS = 10_000;
/** Same sampling period as the server processes (src/fleet). */
const SAMPLE_INTERVAL_MS = 250;
/** A port taken between our probe and nginx's bind: try again this often. */
const START_ATTEMPTS = 3;

export interface StartNginxOptions {
  path: DeliveryPath;
  upstreamPorts: readonly number[];
  /** Client connections nginx must be able to hold (the run's clients; more is fine). */
  maxClientConnections: number;
  /** Parent of the run's directory (default: the OS temp dir). */
  parentDir?: string;
}

/** nginx's own cost over a window: master + worker, like a server's line in the results. */
export interface NginxWindow {
  cpuSeconds: number;
  cpuUtilization: number;
  peakRssBytes: number;
  meanRssBytes: number;
  maxOpenSockets: number;
  /** Processes sampled (master + workers). */
  processes: number;
}

export interface RunningNginx {
  /** `http(s)://127.0.0.1:<port>`: where the clients go. */
  readonly url: URL;
  readonly port: number;
  readonly workDir: string;
  readonly certificate: TlsCertificate | null;
  readonly masterPid: number;
  readonly workerPids: readonly number[];
  /** Opens the measured window of the samplers. */
  markWindow(): Promise<void>;
  /** Closes it; null when nothing could be sampled (nginx gone). */
  stopWindow(): Promise<NginxWindow | null>;
  /** The last lines of error.log, for messages. */
  errorLogTail(): Promise<string>;
  /**
   * error.log lines at level error or worse (an upstream timed out, a connection refused):
   * how many, and the first one without its timestamp.
   */
  errorLines(): Promise<{ count: number; sample: string }>;
  /** SIGTERM (fast shutdown), SIGKILL after 3 s; removes the directory unless `keepDir`. */
  stop(options?: { keepDir?: boolean }): Promise<void>;
}

/** One GET /healthz through nginx to an upstream: 200 means nginx and the path behind it work. */
function probeHealth(url: URL, ca: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const request = url.protocol === "https:" ? https.request : http.request;
    const req = request(
      new URL("/healthz", url),
      { method: "GET", timeout: 1000, agent: false, ...(ca ? { ca } : {}) },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
    req.end();
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/**
 * Starts nginx for one run and resolves once a proxied /healthz answers 200. Rejects with
 * nginx's own error line (bad config, port taken three times, upstream unreachable).
 */
export async function startNginx(options: StartNginxOptions): Promise<RunningNginx> {
  if (!HAS_NGINX) throw new Error(NO_NGINX_REASON);
  const workDir = await mkdtemp(path.join(options.parentDir ?? os.tmpdir(), "pvp-nginx-"));
  await mkdir(path.join(workDir, "temp"), { recursive: true });
  // nginx's workers drop root (to nobody): they must reach the temp paths, not list the key.
  await chmod(workDir, 0o711);
  try {
    const certificate = options.path.tls ? await makeTlsCertificate(workDir) : null;
    let lastError = "";
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const port = await freeLoopbackPort();
      const started = await spawnNginx(options, workDir, certificate, port);
      if ("running" in started) return started.running;
      lastError = started.error;
      if (!/Address already in use/.test(lastError)) break;
    }
    throw new Error(`nginx did not start: ${lastError}`);
  } catch (error) {
    // Kept for diagnosis: the message names the directory with error.log and nginx.conf.
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message} (config and logs in ${workDir})`);
  }
}

async function spawnNginx(
  options: StartNginxOptions,
  workDir: string,
  certificate: TlsCertificate | null,
  port: number,
): Promise<{ running: RunningNginx } | { error: string }> {
  const configPath = path.join(workDir, "nginx.conf");
  await writeFile(
    configPath,
    renderNginxConfig({
      path: options.path,
      listenPort: port,
      upstreamPorts: options.upstreamPorts,
      workDir,
      maxClientConnections: options.maxClientConnections,
      ...(certificate ? { certificate } : {}),
    }),
  );
  const errorLog = path.join(workDir, "error.log");
  // -e: the error log before the config is read (the compiled-in /var/log path otherwise).
  const child = spawn(NGINX_PATH, ["-p", workDir, "-c", configPath, "-e", errorLog], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    if (stderr.length < 8192) stderr += chunk.toString("utf8");
  });
  const spawned = await new Promise<boolean>((resolve) => {
    child.once("spawn", () => resolve(true));
    child.once("error", () => resolve(false));
  });
  if (!spawned || child.pid === undefined) return { error: `could not run ${NGINX_PATH}` };
  const masterPid = child.pid;
  // A bench that dies without closing its run must not leave nginx holding the port: the
  // master gets SIGTERM (it stops its workers itself), the workers known by then SIGKILL (an
  // nginx worker outlives a killed master).
  let knownWorkers: number[] = [];
  const killOnExit = (): void => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    for (const pid of knownWorkers) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  process.once("exit", killOnExit);
  child.once("exit", () => process.removeListener("exit", killOnExit));
  const url = new URL(`${options.path.tls ? "https" : "http"}://127.0.0.1:${port}`);
  const ca = certificate?.certPem;
  const deadline = performance.now() + NGINX_START_TIMEOUT_MS;
  let status = 0;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    status = await probeHealth(url, ca);
    if (status === 200) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const tail = async (): Promise<string> => {
    const log = await readFile(errorLog, "utf8").catch(() => "");
    return `${stderr}\n${log}`.trim().split("\n").slice(-5).join(" | ");
  };
  if (status !== 200) {
    child.kill("SIGKILL");
    await exitOf(child);
    return {
      error:
        child.exitCode !== null && child.exitCode !== 0
          ? `nginx exited with code ${child.exitCode}: ${await tail()}`
          : `no 200 from /healthz through nginx within ${NGINX_START_TIMEOUT_MS} ms (last status ${status}): ${await tail()}`,
    };
  }
  const workerPids = await childPids(masterPid);
  knownWorkers = workerPids;
  const samplerOf = (pid: number): ProcessSampler =>
    startProcessSampler(pid, { intervalMs: SAMPLE_INTERVAL_MS });
  let samplers: ProcessSampler[] = [masterPid, ...workerPids].map(samplerOf);
  let stopped: Promise<void> | null = null;
  const running: RunningNginx = {
    url,
    port,
    workDir,
    certificate,
    masterPid,
    workerPids,
    async markWindow() {
      await Promise.all(samplers.map((s) => s.mark().catch(() => undefined)));
    },
    async stopWindow() {
      const windows = (await Promise.all(samplers.map((s) => s.stop().catch(() => null)))).filter(
        (w): w is ProcessWindowStats => w !== null,
      );
      // The samplers are spent; fresh ones keep a later window possible.
      samplers = [masterPid, ...workerPids].map(samplerOf);
      return windows.length === 0 ? null : sumProcessWindows(windows);
    },
    errorLogTail: tail,
    async errorLines() {
      const log = await readFile(errorLog, "utf8").catch(() => "");
      const lines = log.split("\n").filter((l) => /\[(error|crit|alert|emerg)\]/.test(l));
      const first = lines[0] ?? "";
      // "2026/12/01 10:00:00 [error] 123#123: *5 upstream timed out ..." -> from "[error]"
      const sample = first.slice(Math.max(0, first.indexOf("["))).slice(0, 200);
      return { count: lines.length, sample };
    },
    stop(stopOptions = {}) {
      stopped ??= (async () => {
        await Promise.all(samplers.map((s) => s.stop().catch(() => undefined)));
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
          await exitOf(child);
          clearTimeout(timer);
        }
        if (stopOptions.keepDir !== true) await rm(workDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
  return { running };
}

/** Master + workers as one line: CPU and memory add up, wall time is shared. */
export function sumProcessWindows(windows: readonly ProcessWindowStats[]): NginxWindow {
  const total = sumWindows(windows);
  return {
    cpuSeconds: total.cpuSeconds,
    cpuUtilization: total.cpuUtilization,
    peakRssBytes: total.peakRssBytes,
    meanRssBytes: total.meanRssBytes,
    maxOpenSockets: total.maxOpenSockets,
    processes: windows.length,
  };
}
