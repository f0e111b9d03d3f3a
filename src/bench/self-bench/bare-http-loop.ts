/**
 * The floor under the driver's polling cost: the same users, the same keep-alive connection
 * each, the same open-model timers and the same fixed endpoint, but nothing per poll beyond
 * node:http and JSON.parse (no bounds, no counters, no ledger, no failover). What the driver
 * spends above this per poll is its own bookkeeping; what this spends is node:http's.
 */
import http from "node:http";
import { sleep } from "../../util/sleep.ts";

export interface BareLoopResult {
  clients: number;
  requestsPerSec: number;
  errors: number;
  /** This process's CPU over the window, 1.0 = one core. */
  cpuUtilization: number;
  /** CPU per completed poll, µs. */
  cpuUsPerRequest: number;
}

export async function measureBareHttpLoop(options: {
  port: number;
  clients: number;
  intervalMs: number;
  warmupMs: number;
  durationMs: number;
  signal: AbortSignal;
}): Promise<BareLoopResult> {
  let requests = 0;
  let errors = 0;
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const agents: http.Agent[] = [];
  const path = "/api/notifications/bare?after=0-0";
  // the driver's jitter: each wait 0.9..1.1 x the interval
  const later = (fn: () => void): void => {
    if (stopped) return;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        fn();
      },
      options.intervalMs * (0.9 + Math.random() * 0.2),
    );
    timers.add(timer);
  };
  const user = (agent: http.Agent): void => {
    const poll = (): void => {
      const req = http.get({ host: "127.0.0.1", port: options.port, path, agent }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => {
          try {
            JSON.parse(text);
            requests += 1;
          } catch {
            errors += 1;
          }
          later(poll);
        });
      });
      req.on("error", () => {
        errors += 1;
        later(poll);
      });
    };
    later(poll);
  };
  try {
    for (let i = 0; i < options.clients; i++) {
      const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 1 });
      agents.push(agent);
      user(agent);
    }
    await sleep(options.warmupMs, options.signal);
    const requestsStart = requests;
    const errorsStart = errors;
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    await sleep(options.durationMs, options.signal);
    const seconds = (performance.now() - wallStart) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const done = requests - requestsStart;
    return {
      clients: options.clients,
      requestsPerSec: done / seconds,
      errors: errors - errorsStart,
      cpuUtilization: cpuSeconds / seconds,
      cpuUsPerRequest: done > 0 ? (cpuSeconds * 1e6) / done : 0,
    };
  } finally {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
    for (const agent of agents) agent.destroy();
  }
}
