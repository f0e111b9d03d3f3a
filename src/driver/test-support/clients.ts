/**
 * Test support for the client tests: small real `node:http` servers on 127.0.0.1 port 0 that
 * play a server's part (resets, 503s, held polls, crashes), and a context that records every
 * hook call in order. Used by *.test.ts only.
 */
import http from "node:http";
import type { Socket } from "node:net";
import { afterEach } from "vitest";
import { type ClientBounds, DEFAULT_CLIENT_BOUNDS } from "../clients/client-bounds.ts";
import {
  type ClientContext,
  type ClientStats,
  createClientStats,
  type Endpoint,
  type SimulatedClient,
  type SubscribeTemplate,
} from "../clients/client-context.ts";
import { WireCounter } from "../wire-counter.ts";

/**
 * Registers an afterEach that stops every client and closes every stub server `track`ed during
 * the test, newest first. Call once at the top level of a test file.
 */
export function trackForCleanup(): <T extends SimulatedClient | StubServer>(thing: T) => T {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return (thing) => {
    cleanups.push(() => ("stop" in thing ? thing.stop() : thing.close()));
    return thing;
  };
}

export interface StubRequest {
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

export interface StubServer {
  url: URL;
  endpoint: Endpoint;
  /** Every request received, in order. */
  requests: StubRequest[];
  /** Open server-side sockets. */
  sockets: Set<Socket>;
  /** Stops listening and cuts every open connection, as a crashed process would. */
  crash(): Promise<void>;
  close(): Promise<void>;
}

export async function startStubServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, request: StubRequest) => void,
): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const parsed = new URL(req.url ?? "/", "http://127.0.0.1");
    const request = { path: parsed.pathname, query: parsed.searchParams, headers: req.headers };
    requests.push(request);
    handler(req, res, request);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const url = new URL(`http://127.0.0.1:${address.port}`);
  const crash = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    url,
    endpoint: { kind: "server", baseUrl: url },
    requests,
    sockets,
    crash,
    close: crash,
  };
}

/** A subscribe template in the shape of src/target's UrlTemplate, for one stub server. */
export function templateEndpoint(
  base: URL,
  path: string,
  withCursor: boolean,
): Endpoint & { kind: "template" } {
  const subscribe: SubscribeTemplate = {
    expand({ userId, cursor }) {
      const url = new URL(path.replace("{userId}", encodeURIComponent(userId)), base);
      if (withCursor) url.search = `?after=${encodeURIComponent(cursor ?? "")}`;
      return url;
    },
  };
  return { kind: "template", subscribe };
}

/** A port nothing listens on: every connection is refused. */
export async function refusedEndpoint(): Promise<Endpoint> {
  const stub = await startStubServer((_req, res) => res.end());
  await stub.close();
  return stub.endpoint;
}

export type HookCall =
  | { hook: "notifications"; userId: string; notifications: readonly unknown[] }
  | { hook: "reset"; userId: string }
  | { hook: "connected"; userId: string }
  | { hook: "disrupted"; userId: string; reason: string };

export interface RecordingContext {
  ctx: ClientContext;
  stats: ClientStats;
  wire: WireCounter;
  calls: HookCall[];
  /** The notifications received, flattened, in order. */
  notifications(): unknown[];
}

/**
 * The bounds of the test contexts: the defaults, but a retry may be as short as 10 ms, because
 * the stub servers ask for 20 ms (`retry: 20`) to keep the tests fast.
 */
export const TEST_CLIENT_BOUNDS: Readonly<ClientBounds> = {
  ...DEFAULT_CLIENT_BOUNDS,
  retryMinMs: 10,
};

export function recordingContext(
  endpoints: readonly Endpoint[],
  bounds: Partial<ClientBounds> = {},
): RecordingContext {
  const stats = createClientStats();
  const wire = new WireCounter();
  const calls: HookCall[] = [];
  const ctx: ClientContext = {
    endpoints,
    createAgent: () => wire.createAgent({ keepAlive: true, maxFreeSockets: 1 }),
    stats,
    bounds: { ...TEST_CLIENT_BOUNDS, ...bounds },
    onNotifications: (userId, notifications) =>
      calls.push({ hook: "notifications", userId, notifications }),
    onReset: (userId) => calls.push({ hook: "reset", userId }),
    onConnected: (userId) => calls.push({ hook: "connected", userId }),
    onDisrupted: (userId, reason) => calls.push({ hook: "disrupted", userId, reason }),
  };
  return {
    ctx,
    stats,
    wire,
    calls,
    notifications: () =>
      calls.flatMap((call) => (call.hook === "notifications" ? [...call.notifications] : [])),
  };
}

export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Writes one SSE event. */
export function sseEvent(
  res: http.ServerResponse,
  event: { event?: string; id?: string; data: string },
): boolean {
  let text = "";
  if (event.event !== undefined) text += `event: ${event.event}\n`;
  if (event.id !== undefined) text += `id: ${event.id}\n`;
  for (const line of event.data.split("\n")) text += `data: ${line}\n`;
  return res.write(`${text}\n`);
}

export function openSse(res: http.ServerResponse, retryMs?: number): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
  res.write(retryMs === undefined ? ":\n\n" : `retry: ${retryMs}\n\n`);
}
