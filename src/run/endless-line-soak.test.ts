/**
 * The soak of issue 15: 20 SSE clients, set up as a `--target` run sets them up (the run's client
 * context, a URL template, the default bounds), against a target that answers
 * `text/event-stream` and then streams one endless `data:` line. Before the bounds the driver
 * grew by about 65 MB a second (2.4 GB after 35 s). Over 60 s its RSS must grow by less than
 * 64 MiB, while the clients keep being cut at the line bound and coming back with backoff.
 *
 * The baseline is taken once the driver has run: 20 clients for 1.5 s against a healthy target
 * first, as a bench run's clients have before its window, so what is counted is what the endless
 * line costs, not the one-time costs of a fresh process (compiled code, the heap's first pages).
 *
 * The only long test of the suite (60 s); everything else about bounds is in the
 * misbehaving-target table, which runs in seconds.
 */
import { expect, it } from "vitest";
import { DEFAULT_CLIENT_BOUNDS, formatBytes } from "../driver/clients/client-bounds.ts";
import {
  type ClientStats,
  createClientStats,
  type SimulatedClient,
} from "../driver/clients/client-context.ts";
import { createClient } from "../driver/clients/create-client.ts";
import { monotonicClock } from "../driver/clock.ts";
import { LatencyRecorder } from "../driver/latency-recorder.ts";
import { Ledger } from "../driver/ledger.ts";
import { templateEndpoint } from "../driver/test-support/clients.ts";
import { marked, SSE_HEAD, startRawTarget } from "../driver/test-support/misbehaving-targets.ts";
import { WireCounter } from "../driver/wire-counter.ts";
import { runClientContext } from "./run-client-context.ts";

const CLIENTS = 20;
const WARM_UP_MS = 1500;
const SOAK_MS = 60_000;
const MAX_GROWTH_BYTES = 64 * 1024 * 1024;
const params = { shortPollIntervalMs: 5000, jitterRatio: 0, longPollHoldMs: 25_000 };

/** The run's client context against one target, as a --target run builds it. */
function contextFor(url: URL, stats: ClientStats, wire: WireCounter) {
  return runClientContext({
    endpoints: [templateEndpoint(url, "/events/{userId}", false)],
    bounds: DEFAULT_CLIENT_BOUNDS,
    wire,
    stats,
    clock: monotonicClock,
    ledger: new Ledger(new LatencyRecorder()),
    receipts: { unrecognized: 0 },
    tracker: undefined,
  });
}

it("20 SSE clients against an endless line for 60 s: the driver's RSS grows by less than 64 MiB", async () => {
  // The driver warms up against a target that works: a notification every 50 ms per stream.
  const healthy = await startRawTarget((c) => {
    c.socket.write(SSE_HEAD);
    const event = `data: ${JSON.stringify(marked("warm-up", 1))}\n\n`;
    const timer = setInterval(() => c.socket.write(event), 50);
    c.socket.once("close", () => clearInterval(timer));
  });
  const warmCtx = contextFor(healthy.url, createClientStats(), new WireCounter());
  const warm = Array.from({ length: CLIENTS }, (_, i) =>
    createClient("sse", warmCtx, `warm-${i + 1}`, params),
  );
  for (const client of warm) void client.start();
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
  for (const client of warm) client.stop();
  await healthy.close();

  // One buffer written again and again: the target (in this process too) allocates nothing
  // per write, so the growth measured is the driver's.
  const chunk = Buffer.from("x".repeat(64 * 1024));
  const target = await startRawTarget((c) => {
    c.socket.write(`${SSE_HEAD}data: `);
    c.pump(() => chunk);
  });
  const stats = createClientStats();
  const wire = new WireCounter();
  const ctx = contextFor(target.url, stats, wire);
  const clients: SimulatedClient[] = Array.from({ length: CLIENTS }, (_, i) =>
    createClient("sse", ctx, `pvp-soak-${i + 1}`, params),
  );
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  let rssAtHalf = startRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 250);
  try {
    for (const client of clients) void client.start();
    await new Promise((resolve) => setTimeout(resolve, SOAK_MS / 2));
    rssAtHalf = process.memoryUsage().rss;
    await new Promise((resolve) => setTimeout(resolve, SOAK_MS / 2));
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  } finally {
    clearInterval(sampler);
    for (const client of clients) client.stop();
    await target.close();
  }
  const endRss = process.memoryUsage().rss;
  const growth = peakRss - startRss;
  const received = wire.snapshot().bytesReceived;
  process.stdout.write(
    `endless-line soak: ${CLIENTS} clients, ${SOAK_MS / 1000} s, ${formatBytes(received)} read, ` +
      `${stats.requests} connects, ${stats.backoffs} backoffs (longest ${Math.round(stats.backoffMaxMs)} ms), ` +
      `RSS growth: peak ${formatBytes(Math.max(0, growth))}, at 30 s ${formatBytes(Math.max(0, rssAtHalf - startRss))}, ` +
      `at 60 s ${formatBytes(Math.max(0, endRss - startRss))}\n`,
  );
  // Every stream was cut at the line bound, and the clients came back (with backoff).
  const reason = `SSE line over ${formatBytes(DEFAULT_CLIENT_BOUNDS.maxSseLineBytes)}`;
  expect(Object.keys(stats.errorsByReason)).toEqual([reason]);
  expect(stats.requests).toBeGreaterThan(CLIENTS);
  expect(stats.backoffs).toBeGreaterThan(0);
  // What the clients read is what the bound allows per connect, not what the target offered.
  expect(received).toBeLessThanOrEqual(
    stats.requests * (DEFAULT_CLIENT_BOUNDS.maxSseLineBytes + 512 * 1024),
  );
  expect(growth).toBeLessThan(MAX_GROWTH_BYTES);
}, 100_000);
