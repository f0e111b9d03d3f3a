/**
 * The "Delivery path" table: what a proxy, TLS and HTTP/2 added to each run, read from
 * `RunResult.deliveryPath` beside the server's own cost, so a reader sees nginx's CPU per
 * delivered notification next to the server's, the handshakes per delivery, and the
 * connections and sessions. Pure; no markup.
 */
import { type DeliveryPath, DIRECT_PATH } from "../../model/delivery-path.ts";
import type { BenchResults, RunResult } from "../../model/results.ts";
import type { StrategyId } from "../../model/strategies.ts";
import {
  formatBytes,
  formatCompact,
  formatCount,
  formatCpuMs,
  formatLatencyUs,
  formatNumber,
  NOT_AVAILABLE,
} from "./format.ts";
import { sunnyDayRuns } from "./run-groups.ts";

export interface DeliveryPathRow {
  scenario: string;
  step: string | null;
  strategy: StrategyId;
  repetition: number;
  valid: boolean;
  /** "nginx, TLS, HTTP/2, buffering off" */
  path: string;
  cells: string[];
}

export const DELIVERY_PATH_HEADERS = [
  "scenario",
  "strategy",
  "path",
  "p50",
  "p99",
  "lost/dup",
  "nginx CPU ms/1k",
  "server CPU ms/1k",
  "nginx RSS",
  "TLS full/resumed",
  "handshakes/deliv",
  "connections",
  "h2 sessions/streams",
  "bytes/deliv",
] as const;

/** A short path label for table cells. */
export function shortPath(path: DeliveryPath): string {
  if (path.proxy === "none") return path.tls ? "direct, TLS" : "direct";
  return [
    "nginx",
    path.tls ? (path.tlsResumption ? "TLS" : "TLS no resumption") : "plain",
    path.http2 ? "HTTP/2" : "HTTP/1.1",
    path.proxyBuffering
      ? `buffering on${path.honourAccelBuffering ? "" : " (X-Accel ignored)"}${path.upstreamKeepAlive ? "" : ", HTTP/1.0 upstream"}`
      : "buffering off",
    `read timeout ${formatCompact(path.proxyReadTimeoutMs / 1000)} s`,
  ].join(", ");
}

function row(run: RunResult): DeliveryPathRow {
  const d = run.deliveryPath;
  const path = d?.path ?? DIRECT_PATH;
  const tls = d?.tls ?? null;
  const h2 = d?.h2 ?? null;
  return {
    scenario: run.scenario,
    step: run.step?.label ?? null,
    strategy: run.strategy,
    repetition: run.repetition,
    valid: run.valid,
    path: shortPath(path),
    cells: [
      formatLatencyUs(run.latency.p50Us),
      formatLatencyUs(run.latency.p99Us),
      `${formatCount(run.delivery.lost)}/${formatCount(run.delivery.duplicates)}`,
      formatCpuMs(d?.proxy?.cpuMsPer1000Deliveries ?? null),
      formatCpuMs(run.server?.cpuMsPer1000Deliveries ?? null),
      d?.proxy ? formatBytes(d.proxy.peakRssBytes) : NOT_AVAILABLE,
      tls ? `${formatCount(tls.full)}/${formatCount(tls.resumed)}` : NOT_AVAILABLE,
      tls ? formatNumber(tls.perDelivered) : NOT_AVAILABLE,
      run.http.connectionsOpened === null ? NOT_AVAILABLE : formatCount(run.http.connectionsOpened),
      h2
        ? `${formatCount(h2.openSessions)}/${formatCount(h2.streamsOpened)} (max ${formatCount(h2.maxConcurrentStreams)} at once)`
        : NOT_AVAILABLE,
      run.perDelivered.bytes === null ? NOT_AVAILABLE : formatBytes(run.perDelivered.bytes),
    ],
  };
}

/** One row per run that went through a proxy or TLS; [] when none did (the section is left out). */
export function buildDeliveryPathRows(results: BenchResults): DeliveryPathRow[] {
  return sunnyDayRuns(results)
    .filter((run) => run.deliveryPath !== undefined && run.deliveryPath.path.proxy !== "none")
    .map(row);
}

export const DELIVERY_PATH_INTRO =
  "Runs through a real nginx (and TLS, HTTP/2): what the proxy adds to each strategy's cost. nginx's CPU per 1,000 delivered notifications sits beside the server's (the proxy's share is on top of it), TLS handshakes are counted full and resumed (a short poller whose keep-alive lapses pays one per poll), bytes per delivered include TLS records, and over HTTP/2 the connections are sessions carrying many users' streams. nginx's CPU is read in 10 ms ticks: in a one-second --quick window it says little. What these runs leave out (one machine, loopback, one proxy): docs/methodology.md, \"The delivery path\".";
