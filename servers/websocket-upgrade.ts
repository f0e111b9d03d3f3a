/**
 * HTTP upgrades through the Express app. Node hands a request with `Connection: upgrade` to the
 * server's 'upgrade' listener with the raw socket, bypassing Express. Dispatching it into the app
 * with a ServerResponse on that socket lets the same routes, validation, per-user cap, reserved
 * admin connections and JSON errors answer it BEFORE any upgrade: a bad user id is `400` JSON,
 * a user at the cap `429`, Redis down `503`, exactly as on the other strategies. Only the
 * WebSocket route then takes the socket over (`takeUpgrade`).
 *
 * Node's HTTP parser is gone from an upgrade socket, so it serves this one request: every answer
 * on it carries `Connection: close` and the socket is closed after it. An upgrade request with a
 * body (not a GET) is refused at once: nothing would read its body.
 */
import { type IncomingMessage, type Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Express, Request, Response } from "express";
import { badRequest, HttpError } from "./http-errors.ts";

/** What the WebSocket route needs to complete an upgrade it accepted. */
export interface PendingUpgrade {
  socket: Duplex;
  head: Buffer;
}

const pending = new WeakMap<IncomingMessage, PendingUpgrade>();

/** Sends every 'upgrade' request of `server` through `app`. */
export function dispatchUpgrades(server: Server, app: Express): void {
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => {});
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as never);
    res.once("finish", () => {
      res.detachSocket(socket as never);
      // Node's own request handling emits 'close' after 'finish'; the shell counts requests on it.
      process.nextTick(() => res.emit("close"));
      socket.end();
      const timer = setTimeout(() => socket.destroy(), 2000);
      timer.unref();
      socket.once("close", () => clearTimeout(timer));
    });
    if (req.method !== "GET") {
      const error = badRequest(
        "unexpected upgrade",
        `only GET /api/notifications/:userId/ws upgrades (to websocket); send this ${String(req.method).slice(0, 16)} request without Connection: upgrade`,
      );
      res.statusCode = error.status;
      res.setHeader("Content-Type", "application/json; charset=utf-8");
      res.end(JSON.stringify({ error: error.error, detail: error.detail }));
      return;
    }
    pending.set(req, { socket, head });
    app(req as Request, res as Response);
  });
}

/**
 * The socket and first bytes of an upgrade request, detached from its ServerResponse so the
 * WebSocket library can write the `101` itself; undefined when the request came as plain HTTP
 * (no `Connection: upgrade`). The response's 'close' is emitted when the socket closes, so the
 * request is counted in pvp_http_requests_total (status 101) when the WebSocket ends, as an SSE
 * stream is.
 */
export function takeUpgrade(req: Request, res: Response): PendingUpgrade | undefined {
  const upgrade = pending.get(req);
  if (upgrade === undefined) return undefined;
  pending.delete(req);
  res.detachSocket(upgrade.socket as never);
  res.statusCode = 101;
  upgrade.socket.once("close", () => res.emit("close"));
  return upgrade;
}

/** True when the request reached the app through the 'upgrade' listener. */
export function isUpgradeRequest(req: Request): boolean {
  return pending.has(req);
}

/** RFC 6455 4.2.1: a 16-byte nonce, base64. */
const WEBSOCKET_KEY = /^[A-Za-z0-9+/]{22}==$/;

/**
 * Checks the handshake headers so a bad one gets a JSON answer naming it (the WebSocket library
 * would answer a bare text/html 400). Throws HttpError: 426 + `Sec-WebSocket-Version: 13` for a
 * missing upgrade or another protocol version, 400 for a bad key or a subprotocol (this server
 * speaks none, so a client asking for one would fail after the upgrade anyway).
 */
export function checkHandshake(req: Request, res: Response): void {
  const upgrade = req.get("upgrade");
  if (!isUpgradeRequest(req) || upgrade?.toLowerCase() !== "websocket") {
    res.setHeader("Upgrade", "websocket");
    res.setHeader("Sec-WebSocket-Version", "13");
    throw new HttpError(
      426,
      "websocket upgrade required",
      "this route speaks WebSocket only: send GET with Connection: Upgrade, Upgrade: websocket, Sec-WebSocket-Version: 13 and a Sec-WebSocket-Key (new WebSocket(url) does)",
    );
  }
  const version = req.get("sec-websocket-version");
  if (version !== "13") {
    res.setHeader("Sec-WebSocket-Version", "13");
    throw new HttpError(
      426,
      "unsupported websocket version",
      "Sec-WebSocket-Version must be 13 (RFC 6455), the only version this server speaks",
    );
  }
  const key = req.get("sec-websocket-key");
  if (key === undefined || !WEBSOCKET_KEY.test(key)) {
    throw badRequest(
      "invalid Sec-WebSocket-Key",
      "Sec-WebSocket-Key must be 16 random bytes in base64 (24 characters ending in '=='), as RFC 6455 section 4.1 says",
    );
  }
  if (req.get("sec-websocket-protocol") !== undefined) {
    throw badRequest(
      "unsupported subprotocol",
      "this server speaks no WebSocket subprotocol; connect without Sec-WebSocket-Protocol (new WebSocket(url) with no second argument)",
    );
  }
}
