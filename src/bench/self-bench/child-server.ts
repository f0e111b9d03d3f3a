/** Starts a helper server script of the self-benchmark as a child process and waits for its port. */
import { type ChildProcess, spawn } from "node:child_process";
import { nodeArgsFor } from "../../util/compiled-script.ts";

export interface ChildServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Runs `script` compiled to JavaScript, as the bench runs our servers
 * (src/util/compiled-script.ts); it must print "listening <port>" on stdout within `timeoutMs`.
 */
export async function startChildServer(script: string, timeoutMs = 15_000): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, await nodeArgsFor(script), {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} did not print its port within ${timeoutMs} ms`));
    }, timeoutMs);
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const port = /listening (\d+)/.exec(out)?.[1];
      if (port === undefined) return;
      clearTimeout(timer);
      resolve({
        port: Number(port),
        pid: child.pid ?? 0,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with code ${code} before it listened`));
    });
  });
}
