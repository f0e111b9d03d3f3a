/**
 * The WebSocket client against real WebSocket servers on 127.0.0.1 port 0 (the `ws` package's
 * server playing the server's part): socket-level counting, resume with ?after= after every kind
 * of close, the close codes, refused upgrades, and the client bounds. No mocks.
 */
import http from "node:http";
import type { Duplex } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { recordingContext, trackForCleanup, waitFor } from "../test-support/clients.ts";
import type { Endpoint } from "./client-context.ts";
import { createWebSocketClient, describeClose } from "./websocket-client.ts";

const track = trackForCleanup();
const servers: StubWsServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

interface StubWsServer {
  endpoint: Endpoint;
  /** The request URL of every upgrade attempt, in order. */
  urls: URL[];
  close(): Promise<void>;
}

/**
 * A stub server: `refuse(url)` may answer an upgrade with a raw HTTP response instead; every
 * accepted socket goes to `onSocket(ws, attempt)` (attempt 0, 1, ...).
 */
async function startWsServer(
  onSocket: (ws: WebSocket, attempt: number, url: URL) => void,
  refuse?: (url: URL, attempt: number) => string | undefined,
): Promise<StubWsServer> {
  const urls: URL[] = [];
  const sockets = new Set<Duplex>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server = http.createServer((_req, res) => res.end());
  server.on("upgrade", (req, socket, head) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const attempt = urls.length;
    urls.push(url);
    const answer = refuse?.(url, attempt);
    if (answer !== undefined) {
      socket.end(answer);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws, attempt, url));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const stub: StubWsServer = {
    endpoint: { kind: "server", baseUrl: new URL(`http://127.0.0.1:${address.port}`) },
    urls,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(stub);
  return stub;
}

const notification = (seq: number) => ({ id: `${seq}-0`, seq, userId: "u", meta: { seq } });
const push = (seq: number) =>
  JSON.stringify({ type: "push", id: `${seq}-0`, data: notification(seq) });
const count = (n: number) => JSON.stringify({ type: "count", data: n });

function seqsOf(notifications: unknown[]): number[] {
  return notifications.map((n) => (n as { seq: number }).seq);
}

describe("WebSocket client", () => {
  it("counts the upgrade, frames and masks at socket level, and delivers push data", async () => {
    const server = await startWsServer((ws) => {
      ws.send(count(0));
      ws.send(push(1));
      ws.send(count(1));
    });
    const rec = recordingContext([server.endpoint]);
    const client = track(createWebSocketClient(rec.ctx, "u", { reconnectMs: 20 }));
    await client.start();
    await waitFor(() => rec.notifications().length === 1, "the push");
    expect(rec.notifications()).toEqual([notification(1)]);
    // Our servers: the first socket asks for everything after 0-0 (the run's stream start).
    expect(server.urls[0]?.pathname).toBe("/api/notifications/u/ws");
    expect(server.urls[0]?.searchParams.get("after")).toBe("0-0");
    const wire = rec.wire.snapshot();
    expect(wire.connectionsOpened).toBe(1);
    expect(wire.openConnections).toBe(1);
    // The 101 answer alone is ~130 bytes; the three messages' payloads add theirs + frame headers.
    const payloadBytes = [count(0), push(1), count(1)].reduce((n, m) => n + m.length, 0);
    expect(wire.bytesReceived).toBeGreaterThan(payloadBytes + 3 * 2 + 100);
    // The upgrade request (GET line, Host, Upgrade, Connection, key, version) is sent.
    expect(wire.bytesSent).toBeGreaterThan(150);
    expect(rec.stats).toMatchObject({ requests: 1, errors: 0, reconnects: 0 });
  });

  it.each([
    [1000, "", false],
    [1001, "server shutting down", false],
    [1012, "", false],
    [1008, "stalled: client took nothing for 2000 ms (1 bytes unsent)", true],
    [1011, "oops", true],
    [4000, "custom", true],
  ] as const)(
    "close %i: resumes from the last id; counted as an error: %s",
    async (code, reason, isError) => {
      const server = await startWsServer((ws, attempt) => {
        ws.send(count(attempt));
        if (attempt === 0) {
          ws.send(push(1));
          ws.send(push(2));
          ws.close(code, reason);
        } else {
          ws.send(push(3));
        }
      });
      const rec = recordingContext([server.endpoint]);
      const client = track(createWebSocketClient(rec.ctx, "u", { reconnectMs: 20 }));
      await client.start();
      await waitFor(() => rec.notifications().length === 3, "all three");
      expect(seqsOf(rec.notifications())).toEqual([1, 2, 3]);
      expect(server.urls[1]?.searchParams.get("after")).toBe("2-0");
      expect(rec.stats.reconnects).toBe(1);
      expect(rec.stats.errors).toBe(isError ? 1 : 0);
      const disrupted = rec.calls.find((c) => c.hook === "disrupted");
      expect(disrupted).toMatchObject({ reason: describeClose(code, reason) });
    },
  );

  it("a socket cut without a close frame (server died) is a network error, resumed from the last id", async () => {
    const server = await startWsServer((ws, attempt) => {
      ws.send(count(0));
      if (attempt === 0) {
        ws.send(push(1), () => ws.terminate());
      } else {
        ws.send(push(2));
      }
    });
    const rec = recordingContext([server.endpoint]);
    const client = track(createWebSocketClient(rec.ctx, "u", { reconnectMs: 20 }));
    await client.start();
    await waitFor(() => rec.notifications().length === 2, "both");
    expect(server.urls[1]?.searchParams.get("after")).toBe("1-0");
    expect(rec.stats.errorsByReason).toEqual({ "network error: WebSocket cut": 1 });
  });

  it("a refused upgrade (429 + Retry-After) is an HTTP error; the retry waits what the server said", async () => {
    const server = await startWsServer(
      (ws) => ws.send(count(0)),
      (_url, attempt) =>
        attempt === 0
          ? 'HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\nContent-Type: application/json\r\nContent-Length: 13\r\nConnection: close\r\n\r\n{"error":"x"}'
          : undefined,
    );
    const rec = recordingContext([server.endpoint]);
    const client = track(createWebSocketClient(rec.ctx, "u", { reconnectMs: 60_000 }));
    // Retry-After: 0 is clamped to retryMinMs (10 ms here), not the 60 s reconnect delay.
    await client.start();
    expect(server.urls).toHaveLength(2);
    expect(rec.stats.errorsByReason).toEqual({ "HTTP 429": 1 });
    expect(rec.stats.backoffMaxMs).toBeLessThan(1000);
  });

  it("drop(): cuts the socket and reconnects from the last id, nothing counted as an error", async () => {
    const server = await startWsServer((ws, attempt) => {
      ws.send(count(0));
      ws.send(push(attempt + 1));
    });
    const rec = recordingContext([server.endpoint]);
    const client = track(createWebSocketClient(rec.ctx, "u", { reconnectMs: 20 }));
    await client.start();
    await waitFor(() => rec.notifications().length === 1, "the first");
    client.drop(10);
    await waitFor(() => rec.notifications().length === 2, "the second");
    expect(server.urls[1]?.searchParams.get("after")).toBe("1-0");
    expect(rec.stats.errors).toBe(0);
    // The dropped socket is gone: one open connection, two opened.
    await waitFor(() => rec.wire.snapshot().openConnections === 1, "the old socket closed");
    expect(rec.wire.snapshot().connectionsOpened).toBe(2);
  });

  it("bounds: a message over the event bound and a silent socket end the connection with a reason", async () => {
    const big = await startWsServer((ws, attempt) => {
      ws.send(count(0));
      if (attempt === 0)
        ws.send(JSON.stringify({ type: "push", id: "1-0", data: "x".repeat(5000) }));
    });
    const rec = recordingContext([big.endpoint], { maxSseEventBytes: 4096 });
    const client = track(createWebSocketClient(rec.ctx, "u", { reconnectMs: 20 }));
    await client.start();
    await waitFor(() => big.urls.length === 2, "the reconnect");
    expect(rec.stats.errorsByReason).toEqual({ "WebSocket message over 4 KiB": 1 });
    expect(rec.notifications()).toEqual([]);

    // No message nor ping for the idle bound: the socket is taken for dead.
    const silent = await startWsServer((ws) => ws.send(count(0)));
    const idle = recordingContext([silent.endpoint], { sseIdleTimeoutMs: 200 });
    const quiet = track(createWebSocketClient(idle.ctx, "u", { reconnectMs: 20 }));
    await quiet.start();
    await waitFor(() => silent.urls.length === 2, "the reconnect after silence");
    expect(idle.stats.errorsByReason).toEqual({ "no WebSocket frame for 200 ms": 1 });
  });

  it("pings count as life: a server that only pings is not cut as idle", async () => {
    const server = await startWsServer((ws) => {
      ws.send(count(0));
      const timer = setInterval(() => ws.ping(), 50);
      ws.once("close", () => clearInterval(timer));
    });
    const rec = recordingContext([server.endpoint], { sseIdleTimeoutMs: 200 });
    const client = track(createWebSocketClient(rec.ctx, "u", { reconnectMs: 20 }));
    await client.start();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(server.urls).toHaveLength(1);
    expect(rec.stats.errors).toBe(0);
  });

  it("an external server (template): no cursor at first, then the last message id; whole messages go to the ledger", async () => {
    const server = await startWsServer((ws, attempt) => {
      ws.send("welcome"); // plain text: no notification, no error
      ws.send(JSON.stringify({ id: `${attempt + 7}-1`, payload: { meta: { seq: attempt + 1 } } }));
      if (attempt === 0) ws.close(1000);
    });
    const base = server.endpoint.kind === "server" ? server.endpoint.baseUrl : new URL("x:");
    const template: Endpoint = {
      kind: "template",
      subscribe: {
        expand: ({ userId, cursor }) => {
          const url = new URL(`/socket/${userId}`, base);
          url.searchParams.set("c", cursor ?? "");
          url.protocol = "ws:";
          return url;
        },
      },
    };
    const rec = recordingContext([template]);
    const client = track(createWebSocketClient(rec.ctx, "u", { reconnectMs: 20 }));
    await client.start();
    await waitFor(() => rec.notifications().length === 2, "two messages");
    expect(server.urls.map((u) => u.searchParams.get("c"))).toEqual(["", "7-1"]);
    expect(rec.notifications()[0]).toEqual({ id: "7-1", payload: { meta: { seq: 1 } } });
    expect(rec.stats.errors).toBe(0);
  });
});
