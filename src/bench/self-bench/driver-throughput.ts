/**
 * How fast the driver itself polls: `clients` short-polling clients of ours (each its own
 * keep-alive socket, the open model's per-user timers, our counters) against the fixed
 * endpoint, and autocannon against the same endpoint right after, closed loop. What one can do
 * and the other cannot is the driver's overhead per request.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { getScenario } from "../../../scenarios/index.ts";
import { runLoad } from "../../capacity/autocannon-load.ts";
import { DEFAULT_CLIENT_BOUNDS } from "../../driver/clients/client-bounds.ts";
import {
  type ClientContext,
  createClientStats,
  type SimulatedClient,
} from "../../driver/clients/client-context.ts";
import { createShortPollingClient } from "../../driver/clients/short-polling-client.ts";
import { WireCounter } from "../../driver/wire-counter.ts";
import { resolvePlan } from "../../plan/resolve-runs.ts";
import { DriverWorkers } from "../../run/driver-workers/worker-pool.ts";
import { sleep } from "../../util/sleep.ts";

export interface DriverThroughputOptions {
  port: number;
  clients: number;
  /** `--driver-workers`: the clients in this many processes (0 = this one), as the bench runs them. */
  driverWorkers?: number;
  intervalMs: number;
  warmupMs: number;
  durationMs: number;
  signal: AbortSignal;
}

export interface DriverThroughput {
  clients: number;
  /** Driver worker processes (0: the clients ran in this process). */
  driverWorkers: number;
  intervalMs: number;
  /** What the clients asked for: clients x 1000 / interval (the open model's target). */
  offeredRequestsPerSec: number;
  requestsPerSec: number;
  errors: number;
  /** The driver's CPU over the window, 1.0 = one core (with workers: all of them, summed). */
  driverCpuUtilization: number;
  /** With workers: the busiest worker's. */
  eventLoopDelayP99Ms: number;
  /** RSS growth from before the clients to all polling, per client. */
  driverRssPerClientBytes: number;
}

export async function measureDriverThroughput(
  options: DriverThroughputOptions,
): Promise<DriverThroughput> {
  if ((options.driverWorkers ?? 0) > 0) return measureWorkerThroughput(options);
  const wire = new WireCounter();
  const stats = createClientStats();
  const ctx: ClientContext = {
    endpoints: [{ kind: "server", baseUrl: new URL(`http://127.0.0.1:${options.port}/`) }],
    createAgent: () => wire.createAgent({ keepAlive: true, maxFreeSockets: 1 }),
    stats,
    bounds: DEFAULT_CLIENT_BOUNDS,
    onNotifications: () => {},
  };
  const rssBefore = process.memoryUsage().rss;
  const clients: SimulatedClient[] = Array.from({ length: options.clients }, (_, i) =>
    createShortPollingClient(ctx, `self-${i}`, {
      intervalMs: options.intervalMs,
      jitterRatio: 0.1,
    }),
  );
  try {
    // staggered over one interval, as the bench's ramp spreads its users
    const started: Promise<void>[] = [];
    for (const [i, client] of clients.entries()) {
      started.push(client.start());
      if (i % 100 === 99)
        await sleep(Math.max(1, (options.intervalMs * 100) / options.clients), options.signal);
    }
    await Promise.all(started);
    await sleep(options.warmupMs, options.signal);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const requestsStart = stats.requests;
    const errorsStart = stats.errors;
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    await sleep(options.durationMs, options.signal);
    const seconds = (performance.now() - wallStart) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    loop.disable();
    return {
      clients: options.clients,
      driverWorkers: 0,
      intervalMs: options.intervalMs,
      offeredRequestsPerSec: (options.clients * 1000) / options.intervalMs,
      requestsPerSec: (stats.requests - requestsStart) / seconds,
      errors: stats.errors - errorsStart,
      driverCpuUtilization: (cpu.user + cpu.system) / 1e6 / seconds,
      eventLoopDelayP99Ms: loop.percentile(99) / 1e6,
      driverRssPerClientBytes: Math.max(0, process.memoryUsage().rss - rssBefore) / options.clients,
    };
  } finally {
    for (const client of clients) client.stop();
  }
}

/**
 * The same clients spread over `driverWorkers` processes through the bench's own DriverWorkers
 * (ramp, window edges, merged counters), so the figure is what `--driver-workers` gets.
 */
async function measureWorkerThroughput(
  options: DriverThroughputOptions,
): Promise<DriverThroughput> {
  const workers = options.driverWorkers ?? 0;
  const planned = resolvePlan([getScenario("steady")], {
    quick: false,
    strategies: ["short-polling"],
    overrides: { shortPollIntervalMs: options.intervalMs, jitterRatio: 0.1 },
  }).runs[0];
  if (planned === undefined) throw new Error("no short-polling run planned");
  const pool = await DriverWorkers.start({
    workers,
    strategy: "short-polling",
    params: planned.params,
    userIds: Array.from({ length: options.clients }, (_, i) => `self-${i}`),
    endpoints: [{ kind: "server", baseUrl: `http://127.0.0.1:${options.port}/` }],
    bounds: DEFAULT_CLIENT_BOUNDS,
    transport: null,
  });
  try {
    const rssBefore = await pool.driverRssBytes();
    await pool.startClients(options.intervalMs, options.signal);
    await sleep(options.warmupMs, options.signal);
    await pool.openWindow(performance.now() * 1000);
    const wallStart = performance.now();
    await sleep(options.durationMs, options.signal);
    const window = await pool.closeWindow();
    const seconds = (performance.now() - wallStart) / 1000;
    const checks = window.workerChecks;
    return {
      clients: options.clients,
      driverWorkers: workers,
      intervalMs: options.intervalMs,
      offeredRequestsPerSec: (options.clients * 1000) / options.intervalMs,
      requestsPerSec: (window.statsEnd.requests - window.statsStart.requests) / seconds,
      errors: window.statsEnd.errors - window.statsStart.errors,
      driverCpuUtilization: checks.reduce((sum, c) => sum + c.cpuSeconds, 0) / seconds,
      eventLoopDelayP99Ms: Math.max(0, ...checks.map((c) => c.eventLoopDelayP99Ms)),
      driverRssPerClientBytes:
        Math.max(0, checks.reduce((sum, c) => sum + c.rssBytes, 0) - rssBefore) / options.clients,
    };
  } finally {
    await pool.close();
  }
}

/** autocannon, closed loop, on the same endpoint and path shape. */
export async function measureAutocannon(options: {
  port: number;
  connections: number;
  durationSec: number;
  signal: AbortSignal;
}): Promise<{ connections: number; requestsPerSec: number; errors: number }> {
  const step = await runLoad({
    url: new URL(`http://127.0.0.1:${options.port}/`),
    paths: ["/api/notifications/self-0?after=0-0"],
    connections: options.connections,
    durationSec: options.durationSec,
    timeoutSec: 10,
    signal: options.signal,
  });
  return {
    connections: options.connections,
    requestsPerSec: step.achievedRps,
    errors: step.errors + step.timeouts + step.non2xx,
  };
}
