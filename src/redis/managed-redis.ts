/**
 * A Redis for tests and benchmarks: the one at REDIS_URL (or `redisUrl`) when given, otherwise
 * a private `redis-server` on a free 127.0.0.1 port that persists nothing and dies with us.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

export interface RedisHandle {
  /** redis://127.0.0.1:<port> */
  url: string;
  /** True when this process spawned the server (and will stop it). */
  managed: boolean;
  /** Server version from INFO, e.g. "7.0.15". */
  version: string;
  /** Stops a managed server (no-op for an external one). Safe to call twice. */
  stop(): Promise<void>;
  /** Managed only: starts the server again on the same port (after stop(), or restarts it). */
  restart?(): Promise<void>;
}

export interface StartRedisOptions {
  /** Use this Redis instead of spawning one; default: process.env.REDIS_URL. */
  redisUrl?: string;
  /** How long to wait for a spawned server to answer PING, in ms (default 10000). */
  startTimeoutMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3000;

const HOW_TO_FIX =
  "Install redis-server (run `npm run setup`), or point REDIS_URL at a running Redis " +
  "(e.g. REDIS_URL=redis://127.0.0.1:6379).";

/** Returns a reachable Redis: external (REDIS_URL) or a freshly spawned managed one. */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisHandle> {
  const external = options.redisUrl ?? process.env.REDIS_URL;
  if (external !== undefined && external !== "") {
    const version = await pingRedis(external, 2000).catch((error: unknown) => {
      throw new Error(
        `Redis at ${external} does not answer PING (${errorMessage(error)}). ` +
          "Start it, fix REDIS_URL, or unset REDIS_URL to let push-vs-poll spawn its own redis-server.",
      );
    });
    return { url: external, managed: false, version, stop: async () => {} };
  }
  return startManagedRedis(options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
}

async function startManagedRedis(startTimeoutMs: number): Promise<RedisHandle> {
  // A free port can be taken between probe and bind; try a few before giving up.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await findFreePort();
    const server = new ManagedRedisServer(port, startTimeoutMs);
    try {
      await server.start();
      return server.handle();
    } catch (error) {
      await server.stop();
      if (error instanceof RedisMissingError) throw error;
      lastError = error;
    }
  }
  throw new Error(`could not start redis-server: ${errorMessage(lastError)}. ${HOW_TO_FIX}`);
}

class RedisMissingError extends Error {
  override readonly name = "RedisMissingError";
}

/** One spawned redis-server on a fixed port; start/stop may repeat (restart keeps the port). */
class ManagedRedisServer {
  private child: ChildProcess | undefined;
  private dir: string | undefined;
  private version = "";
  private readonly url: string;

  constructor(
    private readonly port: number,
    private readonly startTimeoutMs: number,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  handle(): RedisHandle {
    return {
      url: this.url,
      managed: true,
      version: this.version,
      stop: () => this.stop(),
      restart: async () => {
        await this.stop();
        await this.start();
      },
    };
  }

  async start(): Promise<void> {
    if (this.child) return;
    this.dir = mkdtempSync(join(tmpdir(), "pvp-redis-"));
    // biome-ignore format: flag/value pairs read better side by side
    const args = [
      "--port", String(this.port),
      "--bind", "127.0.0.1",
      "--save", "",
      "--appendonly", "no",
      "--dir", this.dir,
      "--daemonize", "no",
      "--protected-mode", "yes",
      "--loglevel", "warning",
    ];
    const child = spawn("redis-server", args, { stdio: ["ignore", "ignore", "pipe"] });
    this.child = child;
    liveChildren.add(child);
    installExitHooks();
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const exited = new Promise<never>((_, reject) => {
      child.once("error", (error: NodeJS.ErrnoException) => {
        reject(
          error.code === "ENOENT"
            ? new RedisMissingError(
                `redis-server was not found on PATH and REDIS_URL is not set. ${HOW_TO_FIX}`,
              )
            : error,
        );
      });
      child.once("exit", (code, signal) => {
        reject(
          new Error(`redis-server exited early (code ${code}, signal ${signal}): ${stderr.trim()}`),
        );
      });
    });
    exited.catch(() => {}); // observed below; avoid an unhandled rejection after success
    child.once("exit", () => {
      liveChildren.delete(child);
      if (this.child === child) this.child = undefined;
    });
    this.version = await Promise.race([waitForPing(this.url, this.startTimeoutMs), exited]);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    this.child = undefined;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/** Children still running; killed synchronously when the process exits. */
const liveChildren = new Set<ChildProcess>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const killAll = () => {
    for (const child of liveChildren) child.kill("SIGKILL");
    liveChildren.clear();
  };
  process.once("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    // Only act as the default handler: when the program has its own (graceful shutdown),
    // it stops Redis itself and exits, and the "exit" hook above is the safety net.
    process.once(signal, () => {
      if (process.listenerCount(signal) > 0) return;
      killAll();
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Polls PING every 25 ms until it answers; returns the server version. */
async function waitForPing(url: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await pingRedis(url, 500);
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(
          `redis-server did not answer PING within ${timeoutMs} ms: ${errorMessage(error)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** One-shot PING + INFO server; resolves to the version, rejects when unreachable. */
export async function pingRedis(url: string, timeoutMs: number): Promise<string> {
  const client = new Redis(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    disableClientInfo: true,
  });
  client.on("error", () => {}); // the rejected promise below carries the error
  try {
    await client.connect();
    await client.ping();
    const info = await client.info("server");
    return /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";
  } finally {
    client.disconnect();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
