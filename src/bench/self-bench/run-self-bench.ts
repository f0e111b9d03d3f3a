/**
 * `npm run bench:self`: the instrument measured against references, in one run on this
 * machine, so the ratios are of things measured side by side (issue 13's goals):
 *  1. the driver's short-polling clients vs autocannon on the same fixed endpoint (requests/s);
 *  2. our SSE server vs nginx + nchan under the same raw probe (p50 / p99 delivery).
 * Nothing here is asserted anywhere: the numbers go to docs/methodology.md with the command.
 */
import { fileURLToPath } from "node:url";
import { startServerProcess } from "../../fleet/server-process.ts";
import { startRedis } from "../../redis/managed-redis.ts";
import { nchanUrls } from "../../target/nchan-config.ts";
import { NO_NCHAN_REASON, startNchan } from "../../target/nchan-server.ts";
import { type BareLoopResult, measureBareHttpLoop } from "./bare-http-loop.ts";
import { startChildServer } from "./child-server.ts";
import {
  type DriverThroughput,
  measureAutocannon,
  measureDriverThroughput,
} from "./driver-throughput.ts";
import { type RawProbeResult, runRawProbe } from "./raw-probe.ts";

export interface SelfBenchOptions {
  clients: number;
  /** `--driver-workers`: the driver's clients in this many processes (0 = this one). */
  driverWorkers: number;
  intervalMs: number;
  durationMs: number;
  autocannonConnections: number;
  probeStreams: number;
  probeIntervalMs: number;
  signal: AbortSignal;
  log: (line: string) => void;
}

export const DEFAULT_SELF_BENCH = {
  // 40,000 polls/s offered: past the 25,000 of issue 13's goal, so the driver's ceiling shows
  clients: 10_000,
  driverWorkers: 0,
  intervalMs: 250,
  durationMs: 10_000,
  autocannonConnections: 100,
  probeStreams: 100,
  probeIntervalMs: 10,
} as const;

export interface SelfBenchResult {
  driver: DriverThroughput;
  /** The same users with nothing per poll but node:http (bare-http-loop.ts), in this process. */
  bare: BareLoopResult;
  autocannon: { connections: number; requestsPerSec: number; errors: number };
  /** driver / autocannon requests per second. */
  driverRatio: number;
  probe: {
    ours: RawProbeResult;
    /** null when nchan is not installed (`reason` says so). */
    nchan: RawProbeResult | null;
    nchanSkipped: string | null;
  };
}

const FIXED_SERVER = fileURLToPath(new URL("./fixed-answer-server.ts", import.meta.url));

export async function runSelfBench(options: SelfBenchOptions): Promise<SelfBenchResult> {
  const { signal, log } = options;
  log(
    `driver: ${options.clients} short-polling clients every ${options.intervalMs} ms against a fixed endpoint${options.driverWorkers > 0 ? ` in ${options.driverWorkers} driver workers` : ""}...`,
  );
  const fixed = await startChildServer(FIXED_SERVER);
  let driver: DriverThroughput;
  let bare: BareLoopResult;
  let autocannon: SelfBenchResult["autocannon"];
  try {
    driver = await measureDriverThroughput({
      port: fixed.port,
      clients: options.clients,
      driverWorkers: options.driverWorkers,
      intervalMs: options.intervalMs,
      warmupMs: 2_000,
      durationMs: options.durationMs,
      signal,
    });
    log("a bare node:http loop, the same users and timers, nothing else per poll...");
    bare = await measureBareHttpLoop({
      port: fixed.port,
      clients: Math.min(options.clients, 10_000),
      intervalMs: options.intervalMs,
      warmupMs: 2_000,
      durationMs: options.durationMs,
      signal,
    });
    log(`autocannon -c ${options.autocannonConnections} on the same endpoint...`);
    autocannon = await measureAutocannon({
      port: fixed.port,
      connections: options.autocannonConnections,
      durationSec: Math.max(1, Math.round(options.durationMs / 1000)),
      signal,
    });
  } finally {
    await fixed.stop();
  }

  const probeOptions = {
    streams: options.probeStreams,
    intervalMs: options.probeIntervalMs,
    durationMs: options.durationMs,
    signal,
  };
  log(
    `raw probe: our SSE server, ${options.probeStreams} streams, a POST every ${options.probeIntervalMs} ms...`,
  );
  const redis = await startRedis();
  let ours: RawProbeResult;
  try {
    const server = await startServerProcess({
      strategy: "sse",
      redisUrl: redis.url,
      keyPrefix: "self:",
    });
    try {
      ours = await runRawProbe(
        {
          sseUrl: (u) => new URL(`/api/notifications/${u}/sse`, server.url),
          publishUrl: (u) => new URL(`/api/notifications/${u}`, server.url),
        },
        probeOptions,
      );
    } finally {
      await server.stop();
    }
  } finally {
    await redis.stop();
  }

  let nchan: RawProbeResult | null = null;
  let nchanSkipped: string | null = null;
  const running = await startNchan().catch((error: Error) => {
    nchanSkipped =
      error.message === NO_NCHAN_REASON ? NO_NCHAN_REASON : `nchan did not start: ${error.message}`;
    return null;
  });
  if (running !== null) {
    log("raw probe: nginx + nchan, the same probe...");
    try {
      const urls = nchanUrls(running.port);
      nchan = await runRawProbe(
        {
          sseUrl: (u) => new URL(urls.sse.replace("{userId}", u)),
          publishUrl: (u) => new URL(urls.publish.replace("{userId}", u)),
        },
        probeOptions,
      );
    } finally {
      await running.stop();
    }
  }
  return {
    driver,
    bare,
    autocannon,
    driverRatio:
      autocannon.requestsPerSec > 0 ? driver.requestsPerSec / autocannon.requestsPerSec : 0,
    probe: { ours, nchan, nchanSkipped },
  };
}

const ms = (us: number | null) => (us === null ? "n/a" : `${(us / 1000).toFixed(2)} ms`);
const ratio = (a: number | null, b: number | null) =>
  a === null || b === null || b === 0 ? "n/a" : `${(a / b).toFixed(2)}x`;
const count = (x: number) => Math.round(x).toLocaleString("en-US");

/** The driver's CPU per completed poll, µs (all its processes). */
function driverUsPerPoll(d: DriverThroughput): number {
  return d.requestsPerSec > 0 ? (d.driverCpuUtilization * 1e6) / d.requestsPerSec : 0;
}

/** The result as the terminal shows it, goals beside the ratios. */
export function formatSelfBench(r: SelfBenchResult): string {
  const d = r.driver;
  const probe = (name: string, p: RawProbeResult) =>
    `  ${name.padEnd(6)} p50 ${ms(p.p50Us)}, p99 ${ms(p.p99Us)}, max ${ms(p.maxUs)} (received ${count(p.received)} of ${count(p.sent)})`;
  return [
    "Driver vs autocannon (the same fixed endpoint: node:http in its own process)",
    `  driver      ${count(d.requestsPerSec)} req/s from ${count(d.clients)} clients every ${d.intervalMs} ms${d.driverWorkers > 0 ? ` in ${d.driverWorkers} workers` : ""} (offered ${count(d.offeredRequestsPerSec)}), driver CPU ${(d.driverCpuUtilization * 100).toFixed(0)} % of a core, event-loop p99 ${d.eventLoopDelayP99Ms.toFixed(1)} ms, ${count(d.driverRssPerClientBytes / 1024)} KiB RSS per client, ${d.errors} errors`,
    `  bare loop   ${count(r.bare.requestsPerSec)} req/s from ${count(r.bare.clients)} node:http users in one process, ${count(r.bare.cpuUsPerRequest)} µs CPU per poll (the driver: ${count(driverUsPerPoll(d))} µs, ${ratio(driverUsPerPoll(d), r.bare.cpuUsPerRequest)} of it), ${r.bare.errors} errors`,
    `  autocannon  ${count(r.autocannon.requestsPerSec)} req/s with ${r.autocannon.connections} connections (closed loop), ${r.autocannon.errors} errors`,
    `  ratio       ${r.driverRatio.toFixed(2)} (issue 13's goal: >= 0.4 and >= 25,000 req/s)`,
    "",
    `Servers vs the raw probe (${r.probe.ours.streams} SSE streams, one POST every ${r.probe.ours.intervalMs} ms)`,
    probe("ours", r.probe.ours),
    r.probe.nchan === null
      ? `  nchan  skipped: ${r.probe.nchanSkipped}`
      : probe("nchan", r.probe.nchan),
    ...(r.probe.nchan === null
      ? []
      : [
          `  ratio  p50 ${ratio(r.probe.ours.p50Us, r.probe.nchan.p50Us)}, p99 ${ratio(r.probe.ours.p99Us, r.probe.nchan.p99Us)} (ours / nchan; issue 13's goal for SSE: p50 <= 1.5x, p99 <= 2x)`,
        ]),
  ].join("\n");
}
