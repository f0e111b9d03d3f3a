/**
 * Limits that protect a server from its clients: a process-wide connection cap (answered with a
 * raw 503 before HTTP parsing, so the process never runs out of file descriptors) with a small
 * reserved allowance above it that only `GET /healthz` and `GET /metrics` may use (a busy server
 * still answers its liveness probe and its scrape: 503 at capacity belongs on the delivery and
 * publish routes), a per-user cap on delivery connections (held long polls + SSE streams), and
 * JSON answers for the errors Node's HTTP parser raises itself (431 headers too large, 408
 * request timeout, 400 malformed request).
 */
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { Socket } from "node:net";

/** Defaults, also shown by `npm run server -- --help` and docs/architecture.md. */
export const LIMIT_DEFAULTS = {
  maxDeliveryPerUser: 10,
  /** Connections above maxConnections kept for /healthz and /metrics. */
  adminConnections: 8,
  maxHeaderSize: 16 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
} as const;

/** Never more than this many connections by default, even with a huge descriptor limit. */
const MAX_DEFAULT_CONNECTIONS = 19_000;
/** Assumed descriptor limit where /proc/self/limits cannot be read (non-Linux). */
const FALLBACK_FD_LIMIT = 10_000;

/**
 * The soft "Max open files" limit of this process from /proc/self/limits (Linux): a number,
 * Infinity for "unlimited", undefined where it cannot be read.
 */
export function readFdSoftLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync("/proc/self/limits", "utf8");
    } catch {
      return undefined;
    }
  }
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(text);
  if (!match) return undefined;
  return match[1] === "unlimited" ? Number.POSITIVE_INFINITY : Number(match[1]);
}

/**
 * Connection cap for a descriptor limit: minus a margin for Redis, stdio and files (1000, or a
 * quarter of a small limit), at most 19000, at least 1; 9000 when the limit is unknown.
 */
export function maxConnectionsFor(fdSoftLimit: number | undefined): number {
  const limit = fdSoftLimit ?? FALLBACK_FD_LIMIT;
  const margin = Math.min(1000, Math.floor(limit / 4));
  return Math.max(1, Math.min(MAX_DEFAULT_CONNECTIONS, limit - margin));
}

/** The default `maxConnections` of this process. */
export function defaultMaxConnections(): number {
  return maxConnectionsFor(readFdSoftLimit());
}

function rawJsonResponse(
  status: string,
  body: object,
  extraHeaders: Record<string, string> = {},
): string {
  const json = JSON.stringify(body);
  const headers = {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(json)),
    Connection: "close",
    ...extraHeaders,
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status}\r\n${lines.join("\r\n")}\r\n\r\n${json}`;
}

/** The routes that may use the reserved connections (and answer at capacity). */
export const ADMIN_PATHS = ["/healthz", "/metrics"] as const;

/** `GET /healthz` or `GET /metrics` (with or without a query), as a request line starts. */
const ADMIN_REQUEST = /^GET \/(?:healthz|metrics)(?:[ ?])/;
/** Enough of a request line to tell: the longest admin prefix plus its separator. */
const ADMIN_PREFIX_BYTES = "GET /healthz ".length;
/** A reserved connection must show its request line within this, or it is refused. */
const SNIFF_TIMEOUT_MS = 2000;

/** True when a request path (no query) is one the reserved connections may use. */
export function isAdminPath(path: string): boolean {
  return (ADMIN_PATHS as readonly string[]).includes(path);
}

export interface ConnectionGate {
  /** Sockets admitted on the reserve (past the cap): only the admin routes may be served on them. */
  isReserved(socket: Socket): boolean;
}

/**
 * Puts a gate in front of Node's HTTP connection handling: past `maxConnections` open
 * connections a new socket may still take one of `adminConnections` reserved slots if its
 * request line is `GET /healthz` or `GET /metrics` (the first bytes are read to tell, then put
 * back for the HTTP parser); any other gets a minimal `503` + `Retry-After: 1` JSON answer and
 * is closed, without ever reaching the HTTP parser. Accept errors (EMFILE when the cap is set
 * too high) are logged instead of crashing the process.
 */
export function installConnectionGate(
  server: Server,
  maxConnections: number,
  onReject: () => void,
  log: (line: string) => void,
  adminConnections: number = LIMIT_DEFAULTS.adminConnections,
): ConnectionGate {
  // Node's own 'connection' listener (the HTTP parser setup) runs only for admitted sockets.
  const httpListeners = server.listeners("connection") as ((socket: Socket) => void)[];
  server.removeAllListeners("connection");
  const reserved = new WeakSet<Socket>();
  let admitted = 0;
  /** Sockets past the cap whose request line is being read: they hold a reserved slot. */
  let sniffing = 0;
  const admit = (socket: Socket): void => {
    admitted++;
    socket.once("close", () => admitted--);
    for (const listener of httpListeners) listener.call(server, socket);
  };
  const reject = (socket: Socket): void => {
    onReject();
    rejectSocket(socket, maxConnections);
  };
  server.on("connection", (socket: Socket) => {
    if (admitted < maxConnections) {
      admit(socket);
      return;
    }
    if (admitted + sniffing >= maxConnections + adminConnections) {
      reject(socket);
      return;
    }
    sniffing++;
    readRequestStart(socket, (admin) => {
      sniffing--;
      if (socket.destroyed) return;
      if (!admin || admitted >= maxConnections + adminConnections) {
        reject(socket);
        return;
      }
      reserved.add(socket);
      admit(socket);
      // The bytes read to tell were put back; let the HTTP parser have them.
      socket.resume();
    });
  });
  let lastLog = 0;
  server.on("error", (error: NodeJS.ErrnoException) => {
    // After listen() succeeded the only server errors are accept failures (EMFILE, ENFILE):
    // the connection is lost, the server keeps running. One line per second at most.
    if (Date.now() - lastLog < 1000) return;
    lastLog = Date.now();
    log(`server: cannot accept a connection: ${error.code ?? error.message}`);
  });
  return { isReserved: (socket) => reserved.has(socket) };
}

/**
 * Reads the first bytes of a connection until it can tell whether the request is an admin one,
 * puts them back (unshift, socket paused) and calls `done` once. A connection that sends
 * nothing in SNIFF_TIMEOUT_MS, or closes, is not.
 */
function readRequestStart(socket: Socket, done: (admin: boolean) => void): void {
  let head = Buffer.alloc(0);
  let finished = false;
  const finish = (admin: boolean): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    socket.off("data", onData);
    socket.off("close", onClose);
    socket.pause();
    if (head.length > 0) socket.unshift(head);
    done(admin);
  };
  const onData = (chunk: Buffer): void => {
    head = Buffer.concat([head, chunk]);
    const text = head.toString("latin1");
    if (ADMIN_REQUEST.test(text)) finish(true);
    else if (head.length >= ADMIN_PREFIX_BYTES || text.includes("\n")) finish(false);
  };
  const onClose = (): void => finish(false);
  const timer = setTimeout(() => finish(false), SNIFF_TIMEOUT_MS);
  timer.unref();
  socket.on("error", () => {});
  socket.on("data", onData);
  socket.once("close", onClose);
}

function rejectSocket(socket: Socket, maxConnections: number): void {
  socket.on("error", () => {});
  // Read and drop the request so closing does not reset the connection before the client
  // reads the answer; close once the client does, or after 2 s in any case.
  socket.resume();
  socket.once("end", () => socket.destroy());
  const timer = setTimeout(() => socket.destroy(), 2000);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
  socket.end(
    rawJsonResponse(
      "503 Service Unavailable",
      {
        error: "too many connections",
        detail:
          `the server holds its maximum of ${maxConnections} connections (maxConnections, ` +
          "--max-connections); retry after the Retry-After delay",
      },
      { "Retry-After": "1" },
    ),
  );
}

/**
 * JSON answers for errors Node's HTTP parser raises before Express sees the request. Without a
 * 'clientError' listener Node answers 431/408/400 with an empty body; with one it writes nothing.
 */
export function installClientErrorHandler(server: Server, maxHeaderSize: number): void {
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    let answer: string;
    if (error.code === "HPE_HEADER_OVERFLOW") {
      answer = rawJsonResponse("431 Request Header Fields Too Large", {
        error: "request headers too large",
        detail: `the request line and headers must total at most ${maxHeaderSize} bytes (maxHeaderSize, --max-header-size); send fewer or smaller headers`,
      });
    } else if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
      answer = rawJsonResponse("408 Request Timeout", {
        error: "request timeout",
        detail:
          "the request headers or body did not arrive in time (headersTimeoutMs / requestTimeoutMs); send the whole request promptly",
      });
    } else {
      answer = rawJsonResponse("400 Bad Request", {
        error: "malformed request",
        detail: "the request is not valid HTTP/1.1; check the request line and headers",
      });
    }
    socket.end(answer);
    socket.destroySoon();
  });
}

/** Counts open delivery connections per user id; `acquire` fails past `maxPerUser`. */
export class PerUserLimiter {
  private readonly open = new Map<string, number>();

  constructor(readonly maxPerUser: number) {}

  /** A release function (idempotent), or undefined when the user is at the cap. */
  acquire(userId: string): (() => void) | undefined {
    const current = this.open.get(userId) ?? 0;
    if (current >= this.maxPerUser) return undefined;
    this.open.set(userId, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(userId) ?? 1) - 1;
      if (left <= 0) this.open.delete(userId);
      else this.open.set(userId, left);
    };
  }
}
