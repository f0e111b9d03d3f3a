/**
 * The delivery-path scenarios' key claims, each from whole runs (runOne) of the scenario's own
 * quick form: real server processes, a real Redis, a real nginx, real TLS and real HTTP/2, the
 * driver's real clients and ledger. Claims are about behaviour (held vs prompt, cut vs not,
 * handshakes full vs resumed, streams on few sessions) and the ledger (lost 0, duplicates 0),
 * never about speed beyond orders of magnitude. Skipped with one line without nginx.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getScenario } from "../../scenarios/index.ts";
import type { RunResult } from "../model/results.ts";
import type { StrategyId } from "../model/strategies.ts";
import { type PlannedRun, resolvePlan } from "../plan/resolve-runs.ts";
import { HAS_NGINX, NO_NGINX_REASON } from "../proxy/nginx-proxy.ts";
import { type RedisHandle, startRedis } from "../redis/managed-redis.ts";
import { runOne } from "./run-one.ts";

let redis: RedisHandle;
let runIndex = 0;

beforeAll(async () => {
  if (HAS_NGINX) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/** The planned quick run of `scenario`, variant `label`, for `strategy`. */
function planned(scenario: string, label: string, strategy: StrategyId): PlannedRun {
  const run = resolvePlan([getScenario(scenario)], {
    quick: true,
    strategies: [strategy],
  }).runs.find((r) => r.step?.label === label);
  if (!run) throw new Error(`no ${strategy} run of ${scenario} '${label}'`);
  return run;
}

async function run(scenario: string, label: string, strategy: StrategyId): Promise<RunResult> {
  runIndex += 1;
  return runOne({
    planned: planned(scenario, label, strategy),
    redis,
    target: null,
    keyPrefix: `pvp:delivery-test:${runIndex}:`,
    signal: new AbortController().signal,
    onProgress: () => {},
  });
}

function expectExactlyOnce(result: RunResult): void {
  expect(result.delivery.published).toBeGreaterThan(0);
  expect(result.delivery.duplicates).toBe(0);
  expect(result.delivery.lost).toBe(0);
}

describe.skipIf(!HAS_NGINX)("delivery path scenarios (real nginx, TLS, HTTP/2)", () => {
  it("proxy-buffering: SSE behind a buffering nginx arrives late and in lumps; with buffering off, at once", async () => {
    const held = await run("proxy-buffering", "buffering on", "sse");
    const prompt = await run("proxy-buffering", "buffering off", "sse");
    expect(held.deliveryPath?.path.proxyBuffering).toBe(true);
    expect(prompt.deliveryPath?.proxy?.processes).toBeGreaterThanOrEqual(2);
    expectExactlyOnce(prompt);
    // Held until a 4 KiB buffer fills: seconds, against milliseconds with buffering off.
    expect(prompt.latency.p50Us).toBeLessThan(200_000);
    const heldLate =
      held.delivery.lost > 0 || (held.latency.p50Us !== null && held.latency.p50Us > 500_000);
    expect(heldLate).toBe(true);
    expect(held.delivery.duplicates).toBe(0);
  }, 90_000);

  it("proxy-buffering: long polling is not held (whole answers flush at their end)", async () => {
    const result = await run("proxy-buffering", "buffering on", "long-polling");
    expectExactlyOnce(result);
    expect(result.latency.p50Us).toBeLessThan(200_000);
  }, 60_000);

  it("proxy-timeouts: a read timeout under the hold cuts every long poll (504) and the stream, yet loses nothing", async () => {
    const polls = await run("proxy-timeouts", "read timeout 3 s", "long-polling");
    expectExactlyOnce(polls);
    expect(polls.http.errorsByReason?.["HTTP 504"] ?? 0).toBeGreaterThan(0);
    const streams = await run("proxy-timeouts", "read timeout 3 s", "sse");
    expectExactlyOnce(streams);
    expect(streams.http.reconnects).toBeGreaterThan(0);
    const calm = await run("proxy-timeouts", "read timeout 60 s", "sse");
    expectExactlyOnce(calm);
    expect(calm.http.reconnects).toBe(0);
  }, 120_000);

  it("tls-handshakes: polls past the keep-alive reconnect with resumed handshakes, or full ones without resumption", async () => {
    const resumed = await run("tls-handshakes", "resumption on", "short-polling");
    const full = await run("tls-handshakes", "resumption off", "short-polling");
    for (const result of [resumed, full]) expectExactlyOnce(result);
    const clients = resumed.params.clients;
    const on = resumed.deliveryPath?.tls;
    const off = full.deliveryPath?.tls;
    // Every poll after the first reconnects (6 s interval > 5 s keep-alive): about one
    // handshake per client per interval in the window.
    expect((on?.full ?? 0) + (on?.resumed ?? 0)).toBeGreaterThanOrEqual(clients);
    expect(on?.resumed).toBeGreaterThan(on?.full ?? 0);
    expect(off?.resumed).toBe(0);
    expect(off?.full).toBeGreaterThanOrEqual(clients);
    // Bytes on the wire include the certificate each full handshake sends.
    expect(full.http.bytesReceived).toBeGreaterThan(resumed.http.bytesReceived);
  }, 120_000);

  it("h2-multiplex: HTTP/2 carries every user's stream on a few sessions; HTTP/1.1 needs one connection each", async () => {
    const h1 = await run("h2-multiplex", "HTTP/1.1", "sse");
    const h2 = await run("h2-multiplex", "HTTP/2", "sse");
    for (const result of [h1, h2]) expectExactlyOnce(result);
    const clients = h2.params.clients;
    expect(h1.deliveryPath?.h2).toBeNull();
    const counts = h2.deliveryPath?.h2;
    expect(counts?.openSessions).toBeGreaterThanOrEqual(1);
    expect(counts?.openSessions).toBeLessThanOrEqual(Math.ceil(clients / 100));
    expect(counts?.maxConcurrentStreams).toBeGreaterThan(1);
    expect(counts?.maxConcurrentStreams).toBeLessThanOrEqual(100);
    // nginx holds one client connection per user over HTTP/1.1, a handful over HTTP/2 (both
    // with one upstream connection per stream).
    const h1Sockets = h1.deliveryPath?.proxy?.maxOpenSockets ?? 0;
    const h2Sockets = h2.deliveryPath?.proxy?.maxOpenSockets ?? 0;
    expect(h1Sockets - h2Sockets).toBeGreaterThanOrEqual(clients - 2 * Math.ceil(clients / 100));
  }, 120_000);
});

describe.skipIf(HAS_NGINX)("delivery path scenarios", () => {
  it.skip(NO_NGINX_REASON, () => {});
});
