/**
 * The Express 5 shell all three servers share: publish, health and metrics routes, JSON errors,
 * socket accounting and graceful shutdown. Only the delivery route differs per strategy.
 */
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Request, type Response } from "express";
import type { StrategyId } from "../src/model/strategies.ts";
import type { NotificationSource } from "../src/notifications/index.ts";
import {
  defaultMaxConnections,
  installClientErrorHandler,
  installConnectionGate,
  isAdminPath,
  LIMIT_DEFAULTS,
  PerUserLimiter,
} from "./connection-limits.ts";
import { installDemoPage } from "./demo-page.ts";
import {
  errorHandler,
  notFoundHandler,
  sendError,
  sendTooManyForUser,
  sendUnavailable,
} from "./http-errors.ts";
import { routeInstallers } from "./registry.ts";
import { BODY_LIMIT_BYTES, parsePayload, parseUserId } from "./request-validation.ts";
import { createServerMetrics } from "./server-metrics.ts";
import {
  type ResolvedServerOptions,
  SSE_DEFAULTS,
  type StrategyContext,
} from "./strategy-context.ts";

export interface ServerOptions {
  strategy: StrategyId;
  /** Shared notification source; the server never closes it (its owner does). */
  source: NotificationSource;
  /** SSE heartbeat comment interval, in ms (default 15000). */
  heartbeatMs?: number;
  /** Most notifications per response / per SSE batch (default 100). */
  pageSize?: number;
  /** Long-poll hold when the request gives no timeoutMs, in ms (default 25000). */
  defaultPollTimeoutMs?: number;
  /** The `retry:` reconnect hint sent to SSE clients, in ms (default 2000). */
  sseRetryMs?: number;
  /**
   * An SSE stream whose unsent bytes exceed this after a write is cut, reason "buffer-full"
   * (default 1 MiB). The stream stops reading Redis while its socket is full, so the backlog
   * passes this only when one batch is bigger than what is left of it.
   */
  sseMaxBufferedBytes?: number;
  /** An SSE stream whose client takes nothing for this many ms is cut, reason "stalled" (default 30000). */
  sseMaxStallMs?: number;
  /**
   * Open TCP connections at most; past it a new connection gets `503` + `Retry-After: 1` and is
   * closed (default: the file-descriptor soft limit minus a margin, at most 19000).
   */
  maxConnections?: number;
  /**
   * Connections above maxConnections that only `GET /healthz` and `GET /metrics` may use, so a
   * server at capacity still answers its liveness probe and its scrape (default 8; 0 = none).
   */
  adminConnections?: number;
  /** Held long polls + SSE streams per user id; past it `429` + `Retry-After` (default 10). */
  maxDeliveryPerUser?: number;
  /** Request line + headers, in bytes; past it `431` (default 16 KiB). */
  maxHeaderSize?: number;
  /** Time to receive the request headers, in ms; past it `408` (default 10000). */
  headersTimeoutMs?: number;
  /**
   * Time to receive the whole request (headers + body), in ms; past it `408` (default 30000).
   * It never cuts a held poll or a stream: Node stops this clock once the request is complete.
   */
  requestTimeoutMs?: number;
  /** Where operational messages go, one line each (default: stderr). */
  log?: (line: string) => void;
}

export interface PushVsPollServer {
  server: Server;
  /** Starts listening (port 0 = any free port); resolves to the base URL, e.g. http://127.0.0.1:3000. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops accepting, answers held polls, ends streams, closes sockets. Idempotent. */
  close(): Promise<void>;
}

/** Connections still open this long after close() began are cut. */
const SHUTDOWN_GRACE_MS = 2000;

export function createServer(options: ServerOptions): PushVsPollServer {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const resolved: ResolvedServerOptions = {
    heartbeatMs: options.heartbeatMs ?? 15_000,
    pageSize: options.pageSize ?? 100,
    defaultPollTimeoutMs: options.defaultPollTimeoutMs ?? 25_000,
    sseRetryMs: options.sseRetryMs ?? 2000,
    sseMaxBufferedBytes: options.sseMaxBufferedBytes ?? SSE_DEFAULTS.maxBufferedBytes,
    sseMaxStallMs: options.sseMaxStallMs ?? SSE_DEFAULTS.maxStallMs,
    maxDeliveryPerUser: options.maxDeliveryPerUser ?? LIMIT_DEFAULTS.maxDeliveryPerUser,
  };
  const maxConnections = options.maxConnections ?? defaultMaxConnections();
  const maxHeaderSize = options.maxHeaderSize ?? LIMIT_DEFAULTS.maxHeaderSize;
  const perUser = new PerUserLimiter(resolved.maxDeliveryPerUser);
  const metrics = createServerMetrics();
  const closers = new Set<() => void>();
  let shuttingDown = false;
  const context: StrategyContext = {
    source: options.source,
    metrics,
    options: resolved,
    onShutdown(closer) {
      closers.add(closer);
      return () => closers.delete(closer);
    },
    isShuttingDown: () => shuttingDown,
    admitDelivery(userId, res) {
      const release = perUser.acquire(userId);
      if (release === undefined) sendTooManyForUser(res, perUser.maxPerUser);
      return release;
    },
    log,
  };

  const app = express();
  // No ETag: every poll should carry its full body, as a naive client would see it.
  app.set("etag", false);
  app.set("x-powered-by", false);
  // Sockets admitted on the reserve past maxConnections serve /healthz and /metrics only (a
  // kept-alive one that asks for anything else is told the server is full, and closed).
  app.use((req: Request, res: Response, next) => {
    if (gate.isReserved(req.socket) && !isAdminPath(req.path)) {
      res.setHeader("Connection", "close");
      sendError(
        res,
        503,
        "too many connections",
        `the server holds its maximum of ${maxConnections} connections (maxConnections, --max-connections); this one is kept for /healthz and /metrics; retry after the Retry-After delay`,
      );
      return;
    }
    next();
  });
  app.use((req: Request, res: Response, next) => {
    res.once("close", () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? "unmatched";
      metrics.httpRequests.inc({ route, status: String(res.statusCode) });
    });
    if (shuttingDown) res.setHeader("Connection", "close");
    next();
  });

  app.get("/healthz", async (_req, res) => {
    try {
      if (!options.source.isHealthy()) throw new Error("not connected");
      await options.source.ping();
      res.json({ ok: true });
    } catch {
      res.setHeader("Retry-After", "1");
      res
        .status(503)
        .json({ ok: false, error: "redis unavailable", detail: "Redis does not answer" });
    }
  });

  app.get("/metrics", async (_req, res) => {
    res.setHeader("Content-Type", metrics.registry.contentType);
    res.end(await metrics.registry.metrics());
  });

  app.post(
    "/api/notifications/:userId",
    express.json({ limit: BODY_LIMIT_BYTES, strict: true, type: () => true }),
    async (req, res) => {
      const userId = parseUserId(req);
      const payload = parsePayload(req.body);
      try {
        const notification = await options.source.publish(userId, payload);
        res.status(201).json({ id: notification.id, seq: notification.seq });
      } catch {
        sendUnavailable(res);
      }
    },
  );

  installDemoPage(app, options.strategy);
  const strategyHooks = routeInstallers[options.strategy](app, context);
  app.use(notFoundHandler);
  app.use(errorHandler(log));

  // Timeouts. headersTimeout and requestTimeout bound how long a client may take to SEND its
  // request (slowloris); Node stops both clocks once the request is complete, so a long poll
  // held for up to 120 s or an SSE stream open for hours is never cut by them. The per-socket
  // idle timeout (`server.timeout`) WOULD cut them, so it stays off; keepAliveTimeout only
  // applies between requests.
  const server = createHttpServer(
    {
      noDelay: true,
      maxHeaderSize,
      headersTimeout: options.headersTimeoutMs ?? LIMIT_DEFAULTS.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs ?? LIMIT_DEFAULTS.requestTimeoutMs,
    },
    app,
  );
  const gate = installConnectionGate(
    server,
    maxConnections,
    () => metrics.rejectedConnections.inc(),
    log,
    options.adminConnections ?? LIMIT_DEFAULTS.adminConnections,
  );
  installClientErrorHandler(server, maxHeaderSize);
  metrics.trackSockets(server);
  strategyHooks?.attach(server);
  server.timeout = 0;

  let closing: Promise<void> | undefined;
  return {
    server,
    listen(port, host = "127.0.0.1") {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}`);
        });
      });
    },
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        const closed = new Promise<void>((resolve) => {
          if (!server.listening) resolve();
          else server.close(() => resolve());
        });
        for (const closer of [...closers]) closer();
        closers.clear();
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        await closed;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
