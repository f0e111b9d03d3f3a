/**
 * The driver's TLS and HTTP/2 transports against a real nginx (TLS with the run's own
 * certificate) in front of a real Node server: handshakes counted full or resumed, bytes
 * counted on the TCP socket (TLS records and the certificate included), and HTTP/2 streams
 * filling a few sessions. Through the clients' own getJson, so the surface they use is what
 * is tested. Skipped with one line without nginx.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DeliveryPath, DIRECT_PATH } from "../model/delivery-path.ts";
import { HAS_NGINX, NO_NGINX_REASON, type RunningNginx, startNginx } from "../proxy/nginx-proxy.ts";
import { DEFAULT_CLIENT_BOUNDS } from "./clients/client-bounds.ts";
import { createClientStats } from "./clients/client-context.ts";
import { getJson } from "./clients/get-json.ts";
import { ReadThrottle } from "./clients/read-throttle.ts";
import { H2SessionPool } from "./h2-transport.ts";
import { createCountedHttpsAgent } from "./tls-agent.ts";
import { createTransportStats, type TransportStats } from "./transport-stats.ts";
import { WireCounter } from "./wire-counter.ts";

let upstream: http.Server;
let upstreamPort = 0;
const proxies: RunningNginx[] = [];

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    if (req.url?.startsWith("/stream")) {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: open\n\n");
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true, path: req.url }));
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  upstreamPort = (upstream.address() as AddressInfo).port;
});
afterEach(async () => {
  for (const proxy of proxies.splice(0)) await proxy.stop();
});
afterAll(async () => {
  upstream?.closeAllConnections();
  await new Promise((r) => upstream?.close(r));
});

async function proxy(path: Partial<DeliveryPath>): Promise<RunningNginx> {
  const running = await startNginx({
    path: { ...DIRECT_PATH, proxy: "nginx", tls: true, ...path },
    upstreamPorts: [upstreamPort],
    maxClientConnections: 300,
  });
  proxies.push(running);
  return running;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The driver's HTTP/2 session pool to `nginx` (its own certificate, resumption on). */
function h2PoolTo(nginx: RunningNginx, wire: WireCounter, stats: TransportStats): H2SessionPool {
  return new H2SessionPool(
    {
      origin: nginx.url,
      ca: nginx.certificate?.certPem ?? "",
      resumption: true,
      maxHeaderBytes: DEFAULT_CLIENT_BOUNDS.maxHeaderBytes,
    },
    wire,
    stats,
  );
}

describe.skipIf(!HAS_NGINX)("TLS and HTTP/2 transports through nginx", () => {
  it.each([
    [true, { full: 1, resumed: 2 }],
    [false, { full: 3, resumed: 0 }],
  ])(
    "resumption %s: a reconnect after the keep-alive lapsed is %o",
    async (resumption, expected) => {
      const nginx = await proxy({ tlsResumption: resumption, clientKeepAliveTimeoutMs: 1000 });
      const wire = new WireCounter();
      const stats = createTransportStats();
      const agent = createCountedHttpsAgent(wire, stats, {
        keepAlive: true,
        maxFreeSockets: 1,
        ca: nginx.certificate?.certPem ?? "",
        resumption,
      });
      for (let i = 0; i < 3; i++) {
        const outcome = await getJson({
          stats: createClientStats(),
          agent,
          url: new URL(`/poll/${i}`, nginx.url),
          throttle: new ReadThrottle(),
          bounds: DEFAULT_CLIENT_BOUNDS,
        }).outcome;
        expect(outcome).toMatchObject({ kind: "answer", status: 200, body: { ok: true } });
        // nginx closes the idle connection after 1 s: the next poll connects again.
        await sleep(1300);
      }
      agent.destroy();
      expect({ full: stats.tlsFullHandshakes, resumed: stats.tlsResumedHandshakes }).toEqual(
        expected,
      );
      const w = wire.snapshot();
      expect(w.connectionsOpened).toBe(3);
      // Counted on the TCP socket: each full handshake alone brings the certificate (~0.5 KiB+),
      // far more than the three small JSON answers.
      expect(w.bytesReceived).toBeGreaterThan(expected.full * 500 + 3 * 100);
    },
    20_000,
  );

  it("HTTP/2: 150 streams on two sessions of at most 100, every answer delivered", async () => {
    const nginx = await proxy({ http2: true });
    const wire = new WireCounter();
    const stats = createTransportStats();
    const pool = h2PoolTo(nginx, wire, stats);
    // Held streams (SSE-like) first, so the sessions really carry them at the same time.
    const streams = Array.from({ length: 150 }, (_, i) =>
      pool.request(new URL(`/stream/${i}`, nginx.url), { accept: "text/event-stream" }),
    );
    const opened = await Promise.all(
      streams.map(
        (req) =>
          new Promise<number>((resolve, reject) => {
            req.on("response", (res: http.IncomingMessage) => {
              res.once("data", () => resolve(res.statusCode ?? 0));
            });
            req.on("error", reject);
          }),
      ),
    );
    expect(opened.every((status) => status === 200)).toBe(true);
    expect(stats.h2SessionsOpened).toBe(2);
    expect(stats.h2StreamsOpened).toBe(150);
    expect(stats.h2MaxConcurrentStreams).toBe(100);
    expect(pool.sessions).toBe(2);
    // A poll through getJson on the same pool (what the polling clients do).
    const outcome = await getJson({
      stats: createClientStats(),
      agent: new http.Agent(),
      url: new URL("/poll/h2", nginx.url),
      throttle: new ReadThrottle(),
      bounds: DEFAULT_CLIENT_BOUNDS,
      sendRequest: (url, options) => pool.request(url, options.headers).asClientRequest(),
    }).outcome;
    expect(outcome).toMatchObject({ kind: "answer", status: 200, body: { path: "/poll/h2" } });
    for (const req of streams) req.destroy();
    pool.close();
    const w = wire.snapshot();
    expect(w.connectionsOpened).toBe(2);
    expect(stats.tlsFullHandshakes + stats.tlsResumedHandshakes).toBe(2);
  }, 20_000);

  it("a stopped nginx fails an h2 request as a network error, not a hang", async () => {
    const nginx = await proxy({ http2: true });
    const stats = createTransportStats();
    const pool = h2PoolTo(nginx, new WireCounter(), stats);
    await nginx.stop();
    const outcome = await getJson({
      stats: createClientStats(),
      agent: new http.Agent(),
      url: new URL("/poll/gone", nginx.url),
      throttle: new ReadThrottle(),
      bounds: DEFAULT_CLIENT_BOUNDS,
      sendRequest: (url, options) => pool.request(url, options.headers).asClientRequest(),
    }).outcome;
    pool.close();
    expect(outcome.kind).toBe("network-error");
  }, 20_000);
});

describe.skipIf(HAS_NGINX)("TLS and HTTP/2 transports", () => {
  it.skip(NO_NGINX_REASON, () => {});
});
