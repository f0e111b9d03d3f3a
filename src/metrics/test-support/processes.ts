/**
 * Test-only helpers: real child processes to measure (node scripts, redis-server), each with
 * a stop() that kills it and waits for the exit so no test leaves a process behind.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";

export interface RunningChild {
  child: ChildProcess;
  pid: number;
  /** SIGKILLs the child (if still running) and resolves once it has exited and been reaped. */
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  };
}

/** Resolves when `child` writes a stdout line containing `marker`; rejects if it exits first. */
function waitForOutput(child: ChildProcess, marker: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child did not print "${marker}" within ${timeoutMs} ms: ${seen}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      if (seen.includes(marker)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited (code ${code}) before printing "${marker}": ${seen}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
    };
    child.stdout?.on("data", onData);
    child.on("exit", onExit);
  });
}

/** Runs `node -e script`; the script must print "ready" once it is set up. */
export async function spawnNodeScript(script: string): Promise<RunningChild> {
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const stop = stopper(child);
  try {
    await waitForOutput(child, "ready", 10_000);
  } catch (err) {
    await stop();
    throw err;
  }
  if (child.pid === undefined) throw new Error("spawned child has no pid");
  return { child, pid: child.pid, stop };
}

/** A TCP port that was free a moment ago (there is a small race; fine for tests). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no port assigned");
  return address.port;
}

export interface RunningRedis extends RunningChild {
  url: string;
  port: number;
}

/** Spawns a throwaway `redis-server` (nothing persisted) on a free port. */
export async function spawnRedisServer(): Promise<RunningRedis> {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const stop = stopper(child);
  try {
    await waitForOutput(child, "Ready to accept connections", 10_000);
  } catch (err) {
    await stop();
    throw err;
  }
  if (child.pid === undefined) throw new Error("spawned redis-server has no pid");
  return { child, pid: child.pid, stop, port, url: `redis://127.0.0.1:${port}` };
}
