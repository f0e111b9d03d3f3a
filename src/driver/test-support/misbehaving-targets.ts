/**
 * Test support: targets that misbehave, each a small raw `node:net` server on 127.0.0.1 port 0
 * that writes exactly the bytes of its case (an endless line, a reset in the middle of the
 * headers, a drip of one byte per second...), and the table of cases with the error reason each
 * client kind must count. Real sockets, no mocks: the clients under test are the real ones.
 * Used by *.test.ts only.
 */
import net, { type Socket } from "node:net";
import type { StrategyId } from "../../model/strategies.ts";
import { type ClientBounds, formatBytes, formatMs } from "../clients/client-bounds.ts";
import { POLL_ERROR_BACKOFF_MS } from "../clients/polling-client.ts";

/** One request as the raw target parsed it. */
export interface RawRequest {
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** performance.now() when the request head arrived. */
  atMs: number;
}

/** One accepted connection and its (first) request, for the case to answer. */
export interface RawConnection {
  socket: Socket;
  request: RawRequest;
  /** Writes as fast as the client takes it, `chunk()` after `chunk()`, until the socket closes. */
  pump(chunk: () => string | Buffer): void;
  /** Writes `text` one byte every `everyMs` until done or the socket closes. */
  drip(text: string, everyMs: number): void;
  /** Closes the connection after `ms` unless the client did first. */
  endAfter(ms: number): void;
}

export interface RawTarget {
  url: URL;
  requests: RawRequest[];
  /** Connections accepted / closed (by either side). */
  readonly accepted: number;
  readonly open: number;
  /** performance.now() of each connection's close, in order. */
  closedAtMs: number[];
  close(): Promise<void>;
}

/**
 * A raw server: reads each connection's request head, then hands it to `serve`. With
 * `onConnect`, that runs instead, before anything is read (a target that resets every connection).
 */
export async function startRawTarget(
  serve: (connection: RawConnection) => void,
  onConnect?: (socket: Socket) => void,
): Promise<RawTarget> {
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  const closedAtMs: number[] = [];
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("error", () => {});
    socket.once("close", () => {
      sockets.delete(socket);
      closedAtMs.push(performance.now());
    });
    if (onConnect) {
      onConnect(socket);
      return;
    }
    let head = "";
    const onData = (chunk: Buffer): void => {
      head += chunk.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      // Keep reading (and dropping) whatever the client sends next, so it is never blocked.
      socket.resume();
      const request = parseRequestHead(head.slice(0, end));
      requests.push(request);
      serve(connectionOf(socket, request));
    };
    socket.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    url: new URL(`http://127.0.0.1:${address.port}`),
    requests,
    get accepted() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    closedAtMs,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function parseRequestHead(head: string): RawRequest {
  const [line = "", ...headerLines] = head.split("\r\n");
  const target = line.split(" ")[1] ?? "/";
  const url = new URL(target, "http://x");
  const headers: Record<string, string> = {};
  for (const header of headerLines) {
    const colon = header.indexOf(":");
    if (colon > 0)
      headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
  }
  return { path: url.pathname, query: url.searchParams, headers, atMs: performance.now() };
}

function connectionOf(socket: Socket, request: RawRequest): RawConnection {
  const timers: NodeJS.Timeout[] = [];
  socket.once("close", () => {
    for (const timer of timers) clearTimeout(timer);
  });
  return {
    socket,
    request,
    pump(chunk) {
      const write = (): void => {
        while (!socket.destroyed && socket.write(chunk()));
      };
      socket.on("drain", write);
      write();
    },
    drip(text, everyMs) {
      let i = 0;
      const next = (): void => {
        if (socket.destroyed || i >= text.length) return;
        socket.write(text[i] as string, "latin1");
        i += 1;
        timers.push(setTimeout(next, everyMs));
      };
      next();
    },
    endAfter(ms) {
      timers.push(setTimeout(() => socket.end(), ms));
    },
  };
}

/** A response head, close-delimited unless the headers say otherwise. */
export function responseHead(status: string, headers: Record<string, string> = {}): string {
  const lines = Object.entries({ connection: "close", ...headers }).map(
    ([name, value]) => `${name}: ${value}`,
  );
  return `HTTP/1.1 ${status}\r\n${lines.join("\r\n")}\r\n\r\n`;
}

export const SSE_HEAD = responseHead("200 OK", { "content-type": "text/event-stream" });
export const JSON_HEAD = responseHead("200 OK", { "content-type": "application/json" });

/** The driver's marker, as the publisher puts it in `meta`. */
export function marked(userId: string, seq: number, extra: Record<string, unknown> = {}): object {
  return { title: "t", message: "m", ...extra, meta: { seq, intendedAtUs: 1, userId } };
}

// -------------------------------------------------------------------------------------------
// The table
// -------------------------------------------------------------------------------------------

/** The bounds the table runs with: small, so each case crosses its bound in about a second. */
export const TABLE_BOUNDS: ClientBounds = {
  maxSseLineBytes: 64 * 1024,
  maxSseEventBytes: 64 * 1024,
  maxCursorBytes: 1024,
  maxBodyBytes: 256 * 1024,
  maxHeaderBytes: 16 * 1024,
  headerTimeoutMs: 1000,
  firstByteTimeoutMs: 1000,
  answerTimeoutMs: 1500,
  sseIdleTimeoutMs: 1500,
  retryMinMs: 50,
  retryMaxMs: 400,
  backoffMaxMs: 30_000,
};

/** What the long-polling clients of the table ask for as hold (their time bounds start after it). */
export const TABLE_HOLD_MS = 200;

export type ClientKind = StrategyId;
export const POLLING: readonly ClientKind[] = ["short-polling", "long-polling"];
export const ALL_KINDS: readonly ClientKind[] = ["short-polling", "long-polling", "sse"];

export interface MisbehavingCase {
  name: string;
  kinds: readonly ClientKind[];
  /** What the target does with each connection of a client of `kind`. */
  serve(connection: RawConnection, kind: ClientKind): void;
  /** The error the client must count, exactly. */
  reason(kind: ClientKind, bounds: ClientBounds): string;
  /**
   * "cut": the bound ends the connection and the client tries again (as after any error);
   * "noted": counted, and the stream or answer is still used (the spec's or a browser's way).
   */
  effect: "cut" | "noted";
  /** The bad user's notifications that must arrive anyway (noted cases), by seq. */
  delivers?: readonly number[];
  /** Extra check of the connections' timing (retry clamps), given the target's record. */
  timing?: { minGapMs?: number; maxGapMs?: number };
}

const endlessX = (): string => "x".repeat(16 * 1024);
const HEARTBEATS_MS = 200;

/** Keeps an SSE stream alive with heartbeats until the client goes. */
function heartbeats(connection: RawConnection): void {
  const timer = setInterval(() => connection.socket.write(":\n"), HEARTBEATS_MS);
  connection.socket.once("close", () => clearInterval(timer));
}

/** A poll target: the first answer (empty cursor) is `first`, later ones empty after a short hold. */
function pollAnswers(connection: RawConnection, kind: ClientKind, first: string): void {
  const after = connection.request.query.get("after") ?? "";
  if (after === "") {
    connection.socket.end(`${JSON_HEAD}${first}`);
    return;
  }
  const answer = `${JSON_HEAD}${JSON.stringify({ notifications: [], cursor: after })}`;
  setTimeout(() => connection.socket.end(answer), kind === "long-polling" ? TABLE_HOLD_MS : 0);
}

/** The hold the long polls wait before their time bounds start. */
const holdOf = (kind: ClientKind): number => (kind === "long-polling" ? TABLE_HOLD_MS : 0);

export const MISBEHAVING_CASES: readonly MisbehavingCase[] = [
  {
    name: "an endless line (SSE) / an endless JSON body (polling)",
    kinds: ALL_KINDS,
    serve(c, kind) {
      if (kind === "sse") {
        c.socket.write(`${SSE_HEAD}data: `);
        c.pump(endlessX);
      } else {
        c.socket.write(`${JSON_HEAD}{"notifications":["`);
        c.pump(endlessX);
      }
    },
    reason: (kind, b) =>
      kind === "sse"
        ? `SSE line over ${formatBytes(b.maxSseLineBytes)}`
        : `poll answer over ${formatBytes(b.maxBodyBytes)}`,
    effect: "cut",
  },
  {
    name: "one huge event (SSE: short data lines, no blank line) / a huge announced answer",
    kinds: ALL_KINDS,
    serve(c, kind) {
      if (kind === "sse") {
        c.socket.write(SSE_HEAD);
        c.pump(() => `data: ${"y".repeat(1000)}\n`);
      } else {
        const body = JSON.stringify({ notifications: ["z".repeat(1024 * 1024)], cursor: "1" });
        c.socket.end(
          `${responseHead("200 OK", { "content-type": "application/json", "content-length": String(body.length) })}${body}`,
        );
      }
    },
    reason: (kind, b) =>
      kind === "sse"
        ? `SSE event over ${formatBytes(b.maxSseEventBytes)}`
        : `poll answer over ${formatBytes(b.maxBodyBytes)}`,
    effect: "cut",
  },
  {
    name: "invalid UTF-8",
    kinds: ALL_KINDS,
    serve(c, kind) {
      // A notification whose title holds the byte 0xFF: still JSON once replaced with U+FFFD.
      const withFf = (seq: number): Buffer => {
        const [before, after] = JSON.stringify(marked("bad", seq, { t: "@@" })).split("@@");
        return Buffer.concat([
          Buffer.from(before ?? ""),
          Buffer.of(0xff),
          Buffer.from(after ?? ""),
        ]);
      };
      if (kind === "sse") {
        c.socket.write(SSE_HEAD);
        c.socket.write(Buffer.concat([Buffer.from("data: "), withFf(1), Buffer.from("\n\n")]));
        heartbeats(c);
      } else if ((c.request.query.get("after") ?? "") === "") {
        const body = Buffer.concat([
          Buffer.from('{"notifications":['),
          withFf(1),
          Buffer.from('],"cursor":"1"}'),
        ]);
        c.socket.end(Buffer.concat([Buffer.from(JSON_HEAD), body]));
      } else {
        pollAnswers(c, kind, "");
      }
    },
    reason: (kind) =>
      kind === "sse" ? "SSE stream is not valid UTF-8" : "poll answer is not valid UTF-8",
    effect: "noted",
    delivers: [1],
  },
  {
    name: "a wrong content type",
    kinds: ["sse"],
    serve(c) {
      c.socket.end(`${responseHead("200 OK", { "content-type": "text/html" })}<html></html>`);
    },
    reason: () => "HTTP 200 with content-type text/html, not text/event-stream",
    effect: "cut",
  },
  {
    name: "a missing content type",
    kinds: ["sse"],
    serve(c) {
      c.socket.end(`${responseHead("200 OK")}data: {}\n\n`);
    },
    reason: () => "HTTP 200 without a content-type, not text/event-stream",
    effect: "cut",
  },
  {
    name: "200, then an immediate close",
    kinds: ALL_KINDS,
    serve(c, kind) {
      const type = kind === "sse" ? "text/event-stream" : "application/json";
      c.socket.write(
        responseHead("200 OK", { "content-type": type, "transfer-encoding": "chunked" }),
      );
      setTimeout(() => c.socket.destroy(), 20);
    },
    reason: (kind) =>
      kind === "sse" ? "SSE stream closed before any event" : "network error: answer cut short",
    effect: "cut",
  },
  {
    name: "a drip of one byte per second in the headers",
    kinds: ALL_KINDS,
    serve(c, kind) {
      c.drip(kind === "sse" ? SSE_HEAD : JSON_HEAD, 1000);
    },
    reason: (_kind, b) => `headers not complete within ${formatMs(b.headerTimeoutMs)}`,
    effect: "cut",
  },
  {
    name: "a drip of one byte per second in the body",
    kinds: ALL_KINDS,
    serve(c, kind) {
      if (kind === "sse") {
        c.socket.write(`${SSE_HEAD}:\n`);
        c.drip(`data: ${"d".repeat(100)}`, 1000 / 4);
      } else {
        c.socket.write(JSON_HEAD);
        c.drip(JSON.stringify({ notifications: [], cursor: "1" }), 1000);
      }
    },
    reason: (kind, b) =>
      kind === "sse"
        ? `no complete line for ${formatMs(b.sseIdleTimeoutMs)}`
        : `answer not complete within ${formatMs(holdOf(kind) + b.answerTimeoutMs)}`,
    effect: "cut",
  },
  {
    name: "a stream that goes silent",
    kinds: ["sse"],
    serve(c) {
      c.socket.write(`${SSE_HEAD}: hello\n`);
    },
    reason: (_kind, b) => `no bytes for ${formatMs(b.sseIdleTimeoutMs)}`,
    effect: "cut",
  },
  {
    name: "a server that never answers",
    kinds: ALL_KINDS,
    serve() {},
    reason: (kind, b) => `no answer within ${formatMs(holdOf(kind) + b.firstByteTimeoutMs)}`,
    effect: "cut",
  },
  {
    name: "a reset in the middle of the headers",
    kinds: ALL_KINDS,
    serve(c) {
      c.socket.write("HTTP/1.1 200 OK\r\nContent-Ty");
      setTimeout(() => c.socket.resetAndDestroy(), 20);
    },
    reason: () => "network error: read ECONNRESET",
    effect: "cut",
  },
  {
    name: "a redirect (never followed)",
    kinds: ALL_KINDS,
    serve(c) {
      c.socket.end(responseHead("302 Found", { location: "http://127.0.0.1:9/elsewhere" }));
    },
    reason: () =>
      "redirect to http://127.0.0.1:9/elsewhere not followed (the bench measures the URL it was given)",
    effect: "cut",
  },
  {
    name: "huge headers",
    kinds: ALL_KINDS,
    serve(c, kind) {
      const type = kind === "sse" ? "text/event-stream" : "application/json";
      c.socket.write(
        responseHead("200 OK", { "content-type": type, "x-big": "h".repeat(64 * 1024) }),
      );
    },
    reason: (_kind, b) => `response headers over ${formatBytes(b.maxHeaderBytes)}`,
    effect: "cut",
  },
  {
    name: "a poll answer that is not JSON",
    kinds: POLLING,
    serve(c) {
      c.socket.end(`${JSON_HEAD}<html>busy</html>`);
    },
    reason: () => "HTTP 200, answer is not JSON",
    effect: "cut",
  },
  {
    name: "JSON of the wrong shape",
    kinds: POLLING,
    serve(c) {
      c.socket.end(`${JSON_HEAD}{"items":[],"next":"1"}`);
    },
    reason: () =>
      "HTTP 200, poll answer without a notifications array {notifications: [...], cursor}",
    effect: "cut",
  },
  {
    name: "a cursor that is not a string",
    kinds: POLLING,
    serve(c) {
      c.socket.end(`${JSON_HEAD}{"notifications":[],"cursor":{"id":1}}`);
    },
    reason: () => "HTTP 200, poll answer's cursor is an object, not a string",
    effect: "cut",
  },
  {
    name: "a cursor that never advances",
    kinds: POLLING,
    serve(c) {
      const after = c.request.query.get("after") ?? "";
      c.socket.end(
        `${JSON_HEAD}${JSON.stringify({ notifications: [marked("bad", 1)], cursor: after })}`,
      );
    },
    reason: () => "cursor did not advance past the notifications it answered",
    effect: "cut",
    delivers: [1],
  },
  {
    name: "a cursor over the bound",
    kinds: POLLING,
    serve(c) {
      c.socket.end(
        `${JSON_HEAD}${JSON.stringify({ notifications: [], cursor: "c".repeat(2048) })}`,
      );
    },
    reason: (_kind, b) => `cursor over ${formatBytes(b.maxCursorBytes)}`,
    effect: "cut",
  },
  {
    name: "notifications without the driver's marker",
    kinds: ALL_KINDS,
    serve(c, kind) {
      if (kind === "sse") {
        c.socket.write(`${SSE_HEAD}data: {"hello":"world"}\n\n`);
        heartbeats(c);
      } else {
        pollAnswers(c, kind, JSON.stringify({ notifications: [{ hello: "world" }], cursor: "1" }));
      }
    },
    reason: () => "notification without the driver's marker",
    effect: "noted",
  },
  {
    name: "an id: with NUL",
    kinds: ["sse"],
    serve(c) {
      c.socket.write(`${SSE_HEAD}id: a\u0000b\ndata: ${JSON.stringify(marked("bad", 1))}\n\n`);
      heartbeats(c);
    },
    reason: () => "SSE id with NUL ignored",
    effect: "noted",
    delivers: [1],
  },
  {
    name: "an id: longer than the bound",
    kinds: ["sse"],
    serve(c) {
      c.socket.write(
        `${SSE_HEAD}id: ${"i".repeat(2048)}\ndata: ${JSON.stringify(marked("bad", 1))}\n\n`,
      );
      heartbeats(c);
    },
    reason: (_kind, b) => `SSE id over ${formatBytes(b.maxCursorBytes)} ignored`,
    effect: "noted",
    delivers: [1],
  },
  {
    name: "an id: of a megabyte",
    kinds: ["sse"],
    serve(c) {
      c.socket.write(`${SSE_HEAD}id: ${"i".repeat(1024 * 1024)}\ndata: {}\n\n`);
    },
    reason: (_kind, b) => `SSE line over ${formatBytes(b.maxSseLineBytes)}`,
    effect: "cut",
  },
  {
    name: "retry: 0",
    kinds: ["sse"],
    serve(c) {
      c.socket.write(`${SSE_HEAD}retry: 0\n\n: hi\n`);
      c.endAfter(100);
    },
    reason: (_kind, b) =>
      `SSE retry below ${formatMs(b.retryMinMs)} raised to ${formatMs(b.retryMinMs)}`,
    effect: "noted",
    timing: { minGapMs: TABLE_BOUNDS.retryMinMs - 10 },
  },
  {
    name: "retry: 10^12",
    kinds: ["sse"],
    serve(c) {
      c.socket.write(`${SSE_HEAD}retry: 1000000000000\n\n: hi\n`);
      c.endAfter(100);
    },
    reason: (_kind, b) =>
      `SSE retry above ${formatMs(b.retryMaxMs)} lowered to ${formatMs(b.retryMaxMs)}`,
    effect: "noted",
    timing: { maxGapMs: TABLE_BOUNDS.retryMaxMs + 500 },
  },
];

/** How long the table waits for a case, at most: the slowest bound, the retry, and slack. */
export const CASE_TIMEOUT_MS =
  TABLE_HOLD_MS + TABLE_BOUNDS.sseIdleTimeoutMs + 2000 + POLL_ERROR_BACKOFF_MS + 4000;
