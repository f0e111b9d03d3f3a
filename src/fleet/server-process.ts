/**
 * A server under test in its own process: spawned fresh for every run so one run's heap, sockets
 * and JIT state never leak into the next, and so its CPU and memory can be read from /proc
 * without the driver's own cost mixed in.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { StrategyId } from "../model/strategies.ts";
import { nodeArgsFor } from "../util/compiled-script.ts";
import { sleep } from "../util/sleep.ts";

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SERVER_SCRIPT = path.join(PROJECT_ROOT, "scripts/server.ts");
const READY_LINE = /listening on (http:\/\/\S+)/;

/** Longest wait for the server to print its URL and answer /healthz. */
export const SERVER_START_TIMEOUT_MS = 20_000;
/** Grace period after SIGTERM before SIGKILL. */
export const SERVER_STOP_TIMEOUT_MS = 5_000;

export interface ServerProcess {
  readonly strategy: StrategyId;
  readonly pid: number;
  readonly url: URL;
  /**
   * SIGTERM, wait for exit (SIGKILL after a grace period). Resolves with the exit code:
   * null when a signal ended it (after kill() too), so callers can tell a crash from a kill.
   */
  stop(): Promise<number | null>;
  /** kill -9 (the crash of the fault scenarios): resolves once the process has exited. */
  kill(): Promise<void>;
  /** The last lines the server printed on stderr, for error messages. */
  stderrTail(): string;
}

export interface StartServerOptions {
  strategy: StrategyId;
  redisUrl: string;
  keyPrefix: string;
  /** Extra CLI flags, e.g. ["--heartbeat-ms", "1000"]. */
  extraArgs?: string[];
  /** Port to listen on (default 0: any free port). A restart passes the old one to keep the URL. */
  port?: number;
}

/** The fixed port asked for was taken: the caller may wait and try again. */
export class PortInUseError extends Error {
  override readonly name = "PortInUseError";
  constructor(
    readonly port: number,
    detail: string,
  ) {
    super(`port ${port} is in use, so the server could not listen on it: ${detail}`);
  }
}

export async function startServerProcess(options: StartServerOptions): Promise<ServerProcess> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(
      `server port must be an integer from 0 to 65535, got ${port}; pass 0 for any free port`,
    );
  }
  const args = [
    // Compiled JavaScript, not tsx's loader (src/util/compiled-script.ts says why).
    ...(await nodeArgsFor(SERVER_SCRIPT)),
    "--strategy",
    options.strategy,
    "--port",
    String(port),
    "--host",
    "127.0.0.1",
    "--redis-url",
    options.redisUrl,
    "--key-prefix",
    options.keyPrefix,
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  const stderrLines: string[] = [];
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (text: string) => {
    stderrLines.push(...text.split("\n").filter((line) => line.length > 0));
    if (stderrLines.length > 20) stderrLines.splice(0, stderrLines.length - 20);
  });
  const stderrTail = (): string => stderrLines.join("\n");

  const url = await waitForReadyLine(child, stderrTail).catch((error: unknown) => {
    if (port !== 0 && /EADDRINUSE/.test(stderrTail())) throw new PortInUseError(port, stderrTail());
    throw error;
  });
  await waitForHealthy(url, child, stderrTail);
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
  return {
    strategy: options.strategy,
    pid: child.pid ?? -1,
    url,
    stderrTail,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), SERVER_STOP_TIMEOUT_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}

function waitForReadyLine(child: ChildProcess, stderrTail: () => string): Promise<URL> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`server did not start within ${SERVER_START_TIMEOUT_MS} ms: ${stderrTail()}`),
      );
    }, SERVER_START_TIMEOUT_MS);
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (text: string) => {
      stdout += text;
      const match = READY_LINE.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        // Keep draining stdout so a chatty server never blocks on a full pipe.
        child.stdout?.removeAllListeners("data");
        child.stdout?.resume();
        resolve(new URL(match[1]));
      }
    });
    child.once("exit", async (code, signal) => {
      clearTimeout(timer);
      // The reason (e.g. EADDRINUSE) may still be in the pipe when "exit" fires.
      if (child.stderr && !child.stderr.readableEnded) {
        await Promise.race([once(child.stderr, "end"), sleep(500)]).catch(() => undefined);
      }
      reject(
        new Error(
          `server exited before it was ready (code ${code}, signal ${signal}): ${stderrTail()}`,
        ),
      );
    });
  });
}

async function waitForHealthy(
  url: URL,
  child: ChildProcess,
  stderrTail: () => string,
): Promise<void> {
  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited during start-up: ${stderrTail()}`);
    try {
      const res = await fetch(new URL("/healthz", url), { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet or Redis not connected yet: try again
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`server at ${url.href} never reported healthy: ${stderrTail()}`);
}
