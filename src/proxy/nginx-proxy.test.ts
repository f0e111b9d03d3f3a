/**
 * A real nginx in front of real Node HTTP servers on loopback: load balancing with upstream
 * keep-alive, buffering on vs off for a trickling event stream, the read timeout cutting a
 * silent answer, TLS with the run's own certificate, HTTP/2 offered by ALPN, and the
 * master + worker sampled. Skipped with one line when nginx is not installed.
 */
import { rm } from "node:fs/promises";
import http from "node:http";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { type DeliveryPath, DIRECT_PATH } from "../model/delivery-path.ts";
import { HAS_NGINX, NO_NGINX_REASON, type RunningNginx, startNginx } from "./nginx-proxy.ts";

const running: (RunningNginx | http.Server)[] = [];

afterEach(async () => {
  for (const thing of running.splice(0)) {
    if (thing instanceof http.Server) {
      thing.closeAllConnections();
      await new Promise((r) => thing.close(r));
    } else await thing.stop();
  }
});

/** An upstream that names itself, and streams an event of ~`eventBytes` every 100 ms on /stream. */
async function upstream(
  name: string,
  options: { accelNo?: boolean; eventBytes?: number } = {},
): Promise<number> {
  const filler = "x".repeat(options.eventBytes ?? 0);
  const server = http.createServer((req, res) => {
    if (req.url === "/stream") {
      res.writeHead(200, {
        "content-type": "text/event-stream",
        ...(options.accelNo ? { "x-accel-buffering": "no" } : {}),
      });
      let n = 0;
      const timer = setInterval(() => res.write(`data: tick ${++n} ${filler}\n\n`), 100);
      res.on("close", () => clearInterval(timer));
      return;
    }
    if (req.url === "/silent") return; // never answers: the proxy's read timeout must cut it
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true, name, remotePort: req.socket.remotePort }));
  });
  running.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

async function nginx(path: Partial<DeliveryPath>, ports: number[]): Promise<RunningNginx> {
  const proxy = await startNginx({
    path: { ...DIRECT_PATH, proxy: "nginx", ...path },
    upstreamPorts: ports,
    maxClientConnections: 10,
  });
  running.push(proxy);
  return proxy;
}

function getJson(url: URL, agent: http.Agent): Promise<{ name: string; remotePort: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () => resolve(JSON.parse(body)));
      })
      .on("error", reject);
  });
}

/** Milliseconds after the request at which each chunk of /stream arrived, for `forMs`. */
function chunkTimes(url: URL, forMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const times: number[] = [];
    const req = http.get(new URL("/stream", url), (res) => {
      res.on("data", () => times.push(performance.now() - started));
    });
    req.on("error", reject);
    setTimeout(() => {
      req.destroy();
      resolve(times);
    }, forMs);
  });
}

describe.skipIf(!HAS_NGINX)("nginx in front of Node", () => {
  it("balances over the instances and keeps upstream connections alive", async () => {
    const proxy = await nginx({}, [await upstream("a"), await upstream("b")]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await getJson(new URL("/x", proxy.url), agent));
    agent.destroy();
    expect(new Set(answers.map((a) => a.name))).toEqual(new Set(["a", "b"]));
    // Keep-alive upstream: nginx reused its connections instead of one per request.
    const upstreamSockets = new Set(answers.map((a) => `${a.name}:${a.remotePort}`));
    expect(upstreamSockets.size).toBeLessThan(answers.length);
    expect(proxy.workerPids.length).toBe(1);
  });

  it("with buffering off, each event arrives as it is written", async () => {
    const proxy = await nginx({ proxyBuffering: false }, [await upstream("a")]);
    const times = await chunkTimes(proxy.url, 1200);
    // ~10 events in 1.2 s, each on its own: nothing held back.
    expect(times.length).toBeGreaterThanOrEqual(6);
  });

  it("buffering on, HTTP/1.0 upstream, X-Accel-Buffering ignored: events held, then in lumps", async () => {
    const naive = { proxyBuffering: true, honourAccelBuffering: false, upstreamKeepAlive: false };
    const small = await nginx(naive, [await upstream("a", { accelNo: true })]);
    // ~14-byte events never fill nginx's buffer: the client sees nothing while they trickle.
    expect(await chunkTimes(small.url, 1200)).toEqual([]);
    const big = await nginx(naive, [await upstream("b", { accelNo: true, eventBytes: 1000 })]);
    const times = await chunkTimes(big.url, 2500);
    // ~1 KiB every 100 ms: a buffer's worth at a time, so fewer, later chunks than events.
    expect(times.length).toBeGreaterThan(0);
    expect(times.length).toBeLessThan(15);
    expect(times[0]).toBeGreaterThan(250);
  });

  it("buffering on with an HTTP/1.1 upstream still forwards each chunk (chunked framing)", async () => {
    const proxy = await nginx({ proxyBuffering: true, honourAccelBuffering: false }, [
      await upstream("a", { accelNo: true }),
    ]);
    const times = await chunkTimes(proxy.url, 1200);
    expect(times.length).toBeGreaterThanOrEqual(6);
  });

  it("with buffering on, an upstream's X-Accel-Buffering: no still streams (nginx honours it)", async () => {
    const honoured = { proxyBuffering: true, honourAccelBuffering: true, upstreamKeepAlive: false };
    const proxy = await nginx(honoured, [await upstream("a", { accelNo: true })]);
    const times = await chunkTimes(proxy.url, 1200);
    expect(times.length).toBeGreaterThanOrEqual(6);
  });

  it("cuts an answer the upstream keeps silent longer than the read timeout (504)", async () => {
    const proxy = await nginx({ proxyReadTimeoutMs: 300 }, [await upstream("a")]);
    const started = performance.now();
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get(new URL("/silent", proxy.url), (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on("error", reject);
    });
    expect(status).toBe(504);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("terminates TLS with the run's certificate and offers h2 by ALPN", async () => {
    const proxy = await nginx({ tls: true, http2: true }, [await upstream("a")]);
    expect(proxy.url.protocol).toBe("https:");
    const ca = proxy.certificate?.certPem ?? "";
    const alpn = await new Promise<string | false | null>((resolve, reject) => {
      const socket = tls.connect(
        { host: "127.0.0.1", port: proxy.port, ca, ALPNProtocols: ["h2", "http/1.1"] },
        () => {
          resolve(socket.alpnProtocol);
          socket.end();
        },
      );
      socket.on("error", reject);
    });
    expect(alpn).toBe("h2");
    // An h2 request through nginx reaches the upstream.
    const session = http2.connect(proxy.url, { ca });
    const body = await new Promise<string>((resolve, reject) => {
      const stream = session.request({ ":path": "/x" });
      let text = "";
      stream.on("data", (c: Buffer) => {
        text += c.toString();
      });
      stream.on("end", () => resolve(text));
      stream.on("error", reject);
    });
    session.close();
    expect(JSON.parse(body).name).toBe("a");
    // A client that does not trust the certificate is refused: TLS is real.
    await expect(
      new Promise((resolve, reject) => {
        const socket = tls.connect({ host: "127.0.0.1", port: proxy.port }, () => resolve(null));
        socket.on("error", reject);
      }),
    ).rejects.toThrow(/self.signed|certificate/i);
  });

  it("samples the master and the worker over a window", async () => {
    const proxy = await nginx({}, [await upstream("a")]);
    await proxy.markWindow();
    const agent = new http.Agent({ keepAlive: true });
    for (let i = 0; i < 50; i++) await getJson(new URL("/x", proxy.url), agent);
    agent.destroy();
    await new Promise((r) => setTimeout(r, 300));
    const window = await proxy.stopWindow();
    expect(window?.processes).toBe(2);
    expect(window?.peakRssBytes).toBeGreaterThan(0);
    expect(window?.cpuSeconds).toBeGreaterThanOrEqual(0);
  });

  it("refuses a configuration without an upstream, naming the reason and the directory", async () => {
    const error = await startNginx({
      path: { ...DIRECT_PATH, proxy: "nginx", tls: true },
      upstreamPorts: [],
      maxClientConnections: 1,
    }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/no upstream instance.*config and logs in \//);
    // The directory is kept for diagnosis; this test's own is removed.
    const dir = /config and logs in (.+)\)$/.exec((error as Error).message)?.[1];
    expect(dir).toMatch(/pvp-nginx-/);
    if (dir) await rm(dir, { recursive: true, force: true });
  });
});

describe.skipIf(HAS_NGINX)("nginx missing", () => {
  it.skip(NO_NGINX_REASON, () => {});
});
