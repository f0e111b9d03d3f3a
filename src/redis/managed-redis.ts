/**
 * A Redis for tests and benchmarks: the one at REDIS_URL (or `redisUrl`) when given, otherwise
 * a private `redis-server` on a free 127.0.0.1 port that persists nothing and dies with us.
 * A managed one can also be taken down for a while with its data kept (`blip`), the Redis
 * outage of the fault scenarios.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis, ReplyError } from "ioredis";

export interface RedisHandle {
  /** redis://127.0.0.1:<port> */
  url: string;
  /** True when this process spawned the server (and will stop it). */
  managed: boolean;
  /** Server version from INFO, e.g. "7.0.15". */
  version: string;
  /** Stops a managed server (no-op for an external one). Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Managed only: starts the server again on the same port (after stop(), or restarts it).
   * The data is gone afterwards: a stopped server keeps nothing.
   */
  restart?(): Promise<void>;
  /**
   * Managed only: makes Redis unreachable for `downMs` with its data kept, then brings it
   * back on the same port. Everything acknowledged before the blip is there afterwards
   * (SHUTDOWN SAVE, then a restart that loads the dump). Resolves once PING answers again,
   * with the time Redis actually did not answer, measured from the SHUTDOWN.
   */
  blip?(downMs: number): Promise<{ downMs: number }>;
}

export interface StartRedisOptions {
  /** Use this Redis instead of spawning one; default: process.env.REDIS_URL. */
  redisUrl?: string;
  /** How long to wait for a spawned server to answer PING, in ms (default 10000). */
  startTimeoutMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3000;
/** Longest accepted blip: a fault longer than this is a mistake, not an outage to simulate. */
export const MAX_BLIP_DOWN_MS = 10 * 60_000;
/** How long SHUTDOWN SAVE may take to save and exit before the blip gives up. */
const BLIP_SHUTDOWN_TIMEOUT_MS = 10_000;
/** How long the port may stay taken after the shutdown before the blip gives up. */
const BLIP_REBIND_TIMEOUT_MS = 5000;
const DUMP_FILE_NAME = "dump.rdb";

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

/**
 * One spawned redis-server on a fixed port; start/stop may repeat (restart keeps the port).
 * Its data directory lives from start() to stop(): a blip restarts the server in the same
 * directory so it loads the dump, and only stop() (or our exit) removes it.
 */
class ManagedRedisServer {
  private child: ChildProcess | undefined;
  private dir: string | undefined;
  private version = "";
  private readonly url: string;
  /** The blip in progress: stop() waits for it so it never races a restarting server. */
  private blipping: Promise<unknown> | undefined;

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
      blip: (downMs) => this.blip(downMs),
    };
  }

  async start(): Promise<void> {
    if (this.child) return;
    if (this.dir === undefined) {
      this.dir = mkdtempSync(join(tmpdir(), "pvp-redis-"));
      liveDirs.add(this.dir);
    }
    // biome-ignore format: flag/value pairs read better side by side
    const args = [
      "--port", String(this.port),
      "--bind", "127.0.0.1",
      // No save points: nothing is written during a run. SHUTDOWN SAVE (blip) still saves.
      "--save", "",
      "--appendonly", "no",
      "--dir", this.dir,
      "--dbfilename", DUMP_FILE_NAME,
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
    // A blip's restart must not come back after (or during) the final stop.
    await this.blipping?.catch(() => undefined);
    await this.killChild();
    if (this.dir) {
      rmSync(this.dir, { recursive: true, force: true });
      liveDirs.delete(this.dir);
    }
    this.dir = undefined;
  }

  /** Ends the running server, if any (SIGTERM, SIGKILL after a grace period); keeps the dir. */
  private async killChild(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    this.child = undefined;
  }

  blip(downMs: number): Promise<{ downMs: number }> {
    if (!Number.isFinite(downMs) || downMs < 0 || downMs > MAX_BLIP_DOWN_MS) {
      return Promise.reject(
        new RangeError(
          `blip downMs must be a number of milliseconds from 0 to ${MAX_BLIP_DOWN_MS}, ` +
            `got ${downMs}; pass the outage length, e.g. blip(2000)`,
        ),
      );
    }
    if (this.blipping) {
      return Promise.reject(
        new Error(`Redis at ${this.url} is already blipping; wait for that blip to resolve first`),
      );
    }
    const running = this.blipOnce(downMs);
    this.blipping = running;
    const clear = () => {
      if (this.blipping === running) this.blipping = undefined;
    };
    running.then(clear, clear);
    return running;
  }

  private async blipOnce(downMs: number): Promise<{ downMs: number }> {
    const child = this.child;
    if (!child || this.dir === undefined) {
      throw new Error(
        `Redis at ${this.url} is not running, so it cannot blip; call restart() first`,
      );
    }
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
    // Redis is single-threaded: from the moment it takes SHUTDOWN it answers no one else.
    const downSinceMs = performance.now();
    await shutdownSave(this.url);
    const timer = setTimeout(() => child.kill("SIGKILL"), BLIP_SHUTDOWN_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    if (child.signalCode === "SIGKILL") {
      throw new Error(
        `redis-server at ${this.url} did not exit within ${BLIP_SHUTDOWN_TIMEOUT_MS} ms of ` +
          "SHUTDOWN SAVE and was killed; its data may be incomplete",
      );
    }
    const remainingMs = downMs - (performance.now() - downSinceMs);
    if (remainingMs > 0) await sleep(remainingMs);
    await this.startOnSamePort();
    return { downMs: performance.now() - downSinceMs };
  }

  /** start() again; retried briefly because another socket may hold the port for a moment. */
  private async startOnSamePort(): Promise<void> {
    const deadline = performance.now() + BLIP_REBIND_TIMEOUT_MS;
    for (;;) {
      try {
        await this.start();
        return;
      } catch (error) {
        // A server that started but never answered would make the next start() a no-op.
        await this.killChild();
        if (error instanceof RedisMissingError || performance.now() > deadline) {
          throw new Error(
            `redis-server did not come back on port ${this.port} after a blip: ` +
              `${errorMessage(error)}. Free the port (another process may have taken it).`,
          );
        }
        await sleep(100);
      }
    }
  }
}

/**
 * Sends SHUTDOWN SAVE on a fresh connection. Redis saves the dump and exits without answering,
 * so a closed connection is success; only an error reply (the save failed, Redis stays up) is not.
 */
async function shutdownSave(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    connectTimeout: 2000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    disableClientInfo: true,
  });
  client.on("error", () => {}); // a closed connection is the expected outcome
  try {
    await client.connect().catch((error: unknown) => {
      throw new Error(
        `redis-server at ${url} does not accept connections, so it cannot blip: ` +
          errorMessage(error),
      );
    });
    await client.call("SHUTDOWN", "SAVE").catch((error: unknown) => {
      if (error instanceof ReplyError) {
        throw new Error(
          `redis-server at ${url} refused SHUTDOWN SAVE (${errorMessage(error)}); ` +
            "check that its data directory is writable",
        );
      }
      // Anything else is the connection closing under the command: Redis is going down.
    });
  } finally {
    client.disconnect();
  }
}

/** Children still running; killed synchronously when the process exits. */
const liveChildren = new Set<ChildProcess>();
/** Data directories not yet removed by stop(); removed when the process exits. */
const liveDirs = new Set<string>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const killAll = () => {
    for (const child of liveChildren) child.kill("SIGKILL");
    liveChildren.clear();
    // A dump saved by a blip must not outlive us in the temp directory.
    for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
    liveDirs.clear();
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
