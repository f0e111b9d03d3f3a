/**
 * WebSocket: GET /api/notifications/:userId/ws upgrades (the `ws` package) and the server pushes
 * the same events as SSE, as JSON messages (websocket-format.ts): a `push` per notification (id =
 * cursor), a `count` after each batch, a `reset` before a batch after trimmed history. Browsers
 * cannot set headers on a WebSocket, so the client resumes with `?after=<cursor>` (the polling
 * cursor rules; empty = none); without it the socket starts from now, like SSE. Everything that
 * can be refused is refused BEFORE the upgrade, as an ordinary JSON HTTP error through the same
 * Express routes (websocket-upgrade.ts): bad user id or cursor 400, bad handshake 400/426, user at
 * the cap 429, Redis down or shutting down 503; the connection cap's raw 503 comes earlier still.
 *
 * Bounds as for SSE, with the same options: a batch larger than what `sseMaxBufferedBytes` leaves
 * of the socket's unsent bytes (`bufferedAmount`) is sent in slices with a 'drain' wait between
 * them, and the follower stops reading Redis while the socket is full; a client that takes
 * nothing for `sseMaxStallMs` is cut ("stalled"), one message bigger than the bound too
 * ("buffer-full"). A cut sends close code 1008 with the reason, logs one line, counts in
 * pvp_sse_streams_cut_total{reason} (one server runs one strategy, so the counter is this
 * server's delivery cuts) and the socket is destroyed after a short grace (a stalled client would
 * never read the close frame behind its backlog). Pings every `heartbeatMs` keep intermediaries
 * from timing the socket out and let the client tell a dead server from a quiet one. Shutdown
 * closes with 1001 ("going away"). Messages from the client are ignored (one-way delivery;
 * `maxPayload` bounds what it may send).
 */

import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { ReadResult } from "../src/notifications/index.ts";
import { admitPushFollower } from "./push-follower.ts";
import { PushStreamLifecycle } from "./push-stream-lifecycle.ts";
import { parseOptionalCursor, parseUserId, singleQuery } from "./request-validation.ts";
import type { SseCutReason } from "./server-metrics.ts";
import type { RouteInstaller, StrategyContext } from "./strategy-context.ts";
import { formatWebSocketBatch } from "./websocket-format.ts";
import { checkHandshake, dispatchUpgrades, takeUpgrade } from "./websocket-upgrade.ts";

/** Close codes this server sends (RFC 6455 7.4.1). */
export const WS_CLOSE = {
  /** Server shutting down: come back (to this or another instance) and resume. */
  goingAway: 1001,
  /** Cut for not keeping up (stalled, buffer-full): resume, the history has what was missed. */
  policy: 1008,
} as const;

/** The most a client may send in one message; it has nothing to say, this only bounds memory. */
export const WS_MAX_CLIENT_PAYLOAD_BYTES = 4096;
/** A cut or closing socket whose peer does not finish the close handshake is destroyed after this. */
const CLOSE_GRACE_MS = 1000;

export const installWebSocket: RouteInstaller = (app, context) => {
  // noServer: upgrades come from the route below, after validation; no compression (as SSE).
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: WS_MAX_CLIENT_PAYLOAD_BYTES,
    clientTracking: false,
  });
  app.get("/api/notifications/:userId/ws", async (req, res) => {
    const userId = parseUserId(req);
    const cursor = parseOptionalCursor(singleQuery(req, "after"), "after");
    checkHandshake(req, res);
    let stream: WebSocketStream | undefined;
    const started = await admitPushFollower(context, {
      userId,
      cursor,
      onBatch: (batch) => stream?.sendBatch(batch),
      res,
      connectionGone: () => req.socket.destroyed,
    });
    if (started === null) return;
    const { follower, first, release } = started;
    const upgrade = takeUpgrade(req, res);
    if (upgrade === undefined) {
      release();
      follower.stop();
      return; // checkHandshake let only upgrade requests through
    }
    wss.handleUpgrade(req, upgrade.socket, upgrade.head, (ws) => {
      stream = new WebSocketStream(ws, upgrade.socket, context, userId, () => {
        follower.stop();
        release();
      });
      stream.open(first).then(
        () => follower.run(),
        () => {}, // cut or closed while the first batch was sent; its cleanup stopped the follower
      );
    });
    // handleUpgrade destroys a socket that closed meanwhile without calling back: free the slot.
    upgrade.socket.once("close", () => {
      if (stream === undefined) {
        follower.stop();
        release();
      }
    });
  });
  return { attach: (server) => dispatchUpgrades(server, app) };
};

/** One open WebSocket: pings, JSON messages, close frames; the lifecycle is shared. */
class WebSocketStream extends PushStreamLifecycle {
  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    context: StrategyContext,
    userId: string,
    onClose: () => void,
  ) {
    super(context, socket, userId, "websocket: closed the socket", onClose);
  }

  async open(first: ReadResult): Promise<void> {
    const { ws } = this;
    this.startLifecycle(
      () => this.close(WS_CLOSE.goingAway, "server shutting down"),
      () => ws.ping(),
    );
    ws.on("error", () => {}); // a protocol error from the client; 'close' follows and cleans up
    ws.on("close", () => this.cleanup());
    await this.deliver(formatWebSocketBatch(first), first);
  }

  async sendBatch(batch: ReadResult): Promise<void> {
    if (this.closed) throw new Error("socket closed");
    await this.deliver(formatWebSocketBatch(batch), batch);
  }

  protected unsentBytes(): number {
    return this.ws.bufferedAmount;
  }

  protected async sendSlice(slice: string[]): Promise<void> {
    if (this.socket.writableNeedDrain) await this.waitForDrain();
    if (this.closed) throw new Error("socket closed");
    // Corked until the next tick, as Node's HTTP response corks each chunked write: the slice
    // leaves as one write, and the bytes just sent count as unsent until the kernel took them
    // (the same accounting as the SSE stream's writableLength, so the bounds mean the same).
    this.socket.cork();
    for (const message of slice) this.ws.send(message);
    const { socket } = this;
    process.nextTick(() => socket.uncork());
    if (!this.withinBound()) throw new Error("socket cut");
    // Full socket: stop here (and so stop reading Redis) until the client takes it.
    if (this.socket.writableNeedDrain) await this.waitForDrain();
  }

  /** A cut closes with 1008 and the reason, e.g. "stalled: client took nothing for ...". */
  protected closeAfterCut(reason: SseCutReason, detail: string): void {
    this.sendClose(WS_CLOSE.policy, `${reason}: ${detail}`);
  }

  /** Frees the slot now and closes the socket (shutdown). */
  private close(code: number, reason: string): void {
    if (this.closed) return;
    this.cleanup();
    this.sendClose(code, reason);
  }

  /** Sends a close frame (reason cut to the 123 bytes a close frame holds), destroys after a grace. */
  private sendClose(code: number, reason: string): void {
    this.ws.close(code, reason.slice(0, 123)); // our reasons are ASCII: 1 byte per character
    const timer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    timer.unref();
    this.socket.once("close", () => clearTimeout(timer));
  }
}
