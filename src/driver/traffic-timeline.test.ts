/**
 * The traffic timelines: what is kept before, inside and after the window, the sample and its
 * bounds (pure, with explicit times), and the chunks WireCounter records from real sockets of a
 * real HTTP server on port 0.
 */
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { chunkBytes, PRE_WINDOW_BURSTS, TrafficTimelines } from "./traffic-timeline.ts";
import { WireCounter } from "./wire-counter.ts";

describe("TrafficTimelines", () => {
  it("keeps the bursts before the window, every burst inside it, nothing after", () => {
    const timelines = new TrafficTimelines({
      maxClients: 10,
      maxBurstsPerClient: 100,
      coalesceMs: 10,
    });
    timelines.sampleNext(1);
    const r = timelines.open();
    if (r === null) throw new Error("the first client is always sampled");
    r.record(100, 0, 0);
    r.record(0, 300, 500);
    timelines.startWindow(1000);
    r.record(50, 0, 1200);
    r.record(0, 70, 1205); // within 10 ms of 1200: the same burst
    r.record(0, 80, 1300);
    const window = timelines.endWindow(2000);
    r.record(999, 999, 2100);
    expect(window.fromMs).toBe(1000);
    expect(window.toMs).toBe(2000);
    expect(window.clients).toEqual([
      {
        clientIndex: 0,
        truncated: false,
        bursts: [
          { atMs: 0, bytesUp: 100, bytesDown: 0 },
          { atMs: 500, bytesUp: 0, bytesDown: 300 },
          { atMs: 1200, bytesUp: 50, bytesDown: 70 },
          { atMs: 1300, bytesUp: 0, bytesDown: 80 },
        ],
      },
    ]);
  });

  it("keeps only the newest bursts before the window: enough to know the state it opens in", () => {
    const timelines = new TrafficTimelines({
      maxClients: 1,
      maxBurstsPerClient: 10,
      coalesceMs: 10,
    });
    timelines.sampleNext(1);
    const r = timelines.open();
    if (r === null) throw new Error("sampled");
    for (let i = 0; i < PRE_WINDOW_BURSTS + 6; i++) r.record(1, 0, i * 100);
    timelines.startWindow(100_000);
    const [client] = timelines.endWindow(100_001).clients;
    expect(client?.bursts).toHaveLength(PRE_WINDOW_BURSTS);
    expect(client?.bursts[0]?.atMs).toBe(600);
  });

  it("samples every k-th client up to the bound, and nobody created after the run's clients", () => {
    const timelines = new TrafficTimelines({
      maxClients: 4,
      maxBurstsPerClient: 10,
      coalesceMs: 1,
    });
    timelines.sampleNext(10);
    const opened = Array.from({ length: 10 }, () => timelines.open());
    // stride ceil(10 / 4) = 3: clients 0, 3, 6, 9
    expect(opened.map((r) => r?.clientIndex ?? null)).toEqual([
      0,
      null,
      null,
      3,
      null,
      null,
      6,
      null,
      null,
      9,
    ]);
    // a warm-up user asking afterwards records nothing
    expect(timelines.open()).toBeNull();
  });

  it("stops at maxBurstsPerClient inside the window and says so", () => {
    const timelines = new TrafficTimelines({ maxClients: 1, maxBurstsPerClient: 3, coalesceMs: 1 });
    timelines.sampleNext(1);
    const r = timelines.open();
    if (r === null) throw new Error("sampled");
    timelines.startWindow(0);
    for (let i = 0; i < 10; i++) r.record(1, 0, i * 100);
    const [client] = timelines.endWindow(2000).clients;
    expect(client?.bursts.length).toBe(3);
    expect(client?.truncated).toBe(true);
  });

  it("counts string chunks in their encoding", () => {
    expect(chunkBytes("héllo")).toBe(6);
    expect(chunkBytes("68656c6c6f", "hex")).toBe(5);
    expect(chunkBytes(Buffer.from("abc"))).toBe(3);
  });
});

describe("WireCounter records real sockets' chunks", () => {
  let server: http.Server | null = null;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = null;
  });

  it("records a request's bytes up and its answer's bytes down, and they match the counters", async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => res.end("x".repeat(1000)));
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const wire = new WireCounter();
    wire.timelines.sampleNext(1);
    const agent = wire.createAgent({ keepAlive: false, maxFreeSockets: 1 });
    const unsampled = wire.createAgent({ keepAlive: false, maxFreeSockets: 1 });
    const get = (a: http.Agent) =>
      new Promise<void>((resolve, reject) => {
        http
          .get({ host: "127.0.0.1", port, path: "/", agent: a }, (res) => {
            res.resume();
            res.on("end", resolve);
          })
          .on("error", reject);
      });
    wire.timelines.startWindow();
    await get(agent);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await get(agent);
    await get(unsampled);
    // let both sockets close so the counters hold their final bytes
    await new Promise((resolve) => setTimeout(resolve, 30));
    const window = wire.timelines.endWindow();
    expect(window.clients).toHaveLength(1);
    const bursts = window.clients[0]?.bursts ?? [];
    expect(bursts.length).toBeGreaterThanOrEqual(2);
    for (const b of bursts) expect(b.atMs).toBeGreaterThanOrEqual(window.fromMs);
    const up = bursts.reduce((sum, b) => sum + b.bytesUp, 0);
    const down = bursts.reduce((sum, b) => sum + b.bytesDown, 0);
    // two of the three requests were the sampled client's
    const totals = wire.snapshot();
    expect(up).toBeGreaterThan(0);
    expect(down).toBeGreaterThan(2000);
    expect(up / 2).toBe(totals.bytesSent / 3);
    expect(down / 2).toBe(totals.bytesReceived / 3);
  });

  it("records a held stream's heartbeats as bursts at the times they arrived", async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      let beats = 0;
      const timer = setInterval(() => {
        res.write(": heartbeat\n\n");
        if (++beats === 4) {
          clearInterval(timer);
          res.end();
        }
      }, 60);
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const wire = new WireCounter();
    wire.timelines.sampleNext(1);
    const agent = wire.createAgent({ keepAlive: true, maxFreeSockets: 1 });
    wire.timelines.startWindow();
    await new Promise<void>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port, path: "/", agent }, (res) => {
          res.resume();
          res.on("end", resolve);
        })
        .on("error", reject);
    });
    const [client] = wire.timelines.endWindow().clients;
    agent.destroy();
    const bursts = client?.bursts ?? [];
    // the request, then the headers with or before the first heartbeat, then three more
    expect(bursts.length).toBeGreaterThanOrEqual(4);
    const heartbeats = bursts.filter((b) => b.bytesDown > 0);
    for (let i = 1; i < heartbeats.length; i++) {
      const gap = (heartbeats[i]?.atMs ?? 0) - (heartbeats[i - 1]?.atMs ?? 0);
      // 60 ms apart on the server; never coalesced (10 ms) and never merged into one burst
      expect(gap).toBeGreaterThan(10);
    }
    expect(bursts[0]?.bytesUp).toBeGreaterThan(0);
  });

  it("recordTimeline records a stream's chunks without counting them (a TLS socket over a counted one)", async () => {
    const echo = net.createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    const { port } = echo.address() as AddressInfo;
    const wire = new WireCounter();
    wire.timelines.sampleNext(1);
    const recorder = wire.openTimeline();
    wire.timelines.startWindow();
    const socket = net.connect({ host: "127.0.0.1", port });
    wire.recordTimeline(socket, recorder);
    await new Promise<void>((resolve) => {
      socket.once("data", () => resolve());
      socket.write("hello radio");
    });
    socket.destroy();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
    const [client] = wire.timelines.endWindow().clients;
    const up = client?.bursts.reduce((sum, b) => sum + b.bytesUp, 0);
    const down = client?.bursts.reduce((sum, b) => sum + b.bytesDown, 0);
    expect([up, down]).toEqual([11, 11]);
    expect(wire.snapshot()).toMatchObject({ connectionsOpened: 0, bytesSent: 0, bytesReceived: 0 });
  });
});
