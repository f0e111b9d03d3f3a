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
import { waitForDrainOrStall } from "./drain-or-stall.ts";
import { sendUnavailable } from "./http-errors.ts";
import { startPushFollower } from "./push-follower.ts";
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
  const { source, options } = context;
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
    const release = context.admitDelivery(userId, res);
    if (release === undefined) return;

    let stream: WebSocketStream | undefined;
    const started = await startPushFollower({
      source,
      userId,
      cursor,
      pageSize: options.pageSize,
      onBatch: (batch) => stream?.sendBatch(batch),
      release,
      res,
    });
    if (started === null) return;
    const { follower, first } = started;
    if (context.isShuttingDown() || res.destroyed || req.socket.destroyed) {
      release();
      follower.stop();
      if (!res.destroyed) sendUnavailable(res);
      return;
    }
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

/** One open WebSocket: pings, backpressure bounds, shutdown. */
class WebSocketStream {
  private closed = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    private readonly context: StrategyContext,
    private readonly userId: string,
    onClose: () => void,
  ) {
    this.cleanups.push(onClose);
  }

  async open(first: ReadResult): Promise<void> {
    const { ws, context } = this;
    context.metrics.openStreams.inc();
    this.cleanups.push(() => context.metrics.openStreams.dec());
    this.cleanups.push(
      context.onShutdown(() => this.close(WS_CLOSE.goingAway, "server shutting down")),
    );
    ws.on("error", () => {}); // a protocol error from the client; 'close' follows and cleans up
    ws.on("close", () => this.cleanup());
    const heartbeat = setInterval(() => {
      // Skip while the socket is full: the client is not reading, the buffer must not grow.
      if (!this.socket.writableNeedDrain) ws.ping();
    }, context.options.heartbeatMs);
    this.cleanups.push(() => clearInterval(heartbeat));
    await this.sendPaced(formatWebSocketBatch(first));
    this.countDelivered(first);
  }

  async sendBatch(batch: ReadResult): Promise<void> {
    if (this.closed) throw new Error("socket closed");
    await this.sendPaced(formatWebSocketBatch(batch));
    this.countDelivered(batch);
  }

  private countDelivered(batch: ReadResult): void {
    this.context.metrics.notificationsDelivered.inc(batch.notifications.length);
    if (batch.reset) this.context.metrics.resets.inc();
  }

  /**
   * Sends `messages` in slices that keep the unsent bytes within sseMaxBufferedBytes, each slice
   * corked into one write (the usual small batch is one TCP write, like an SSE batch). Resolves
   * when more may be sent; rejects when the socket was closed or cut meanwhile.
   */
  private async sendPaced(messages: string[]): Promise<void> {
    const bound = this.context.options.sseMaxBufferedBytes;
    let slice: string[] = [];
    let sliceBytes = 0;
    for (const message of messages) {
      const bytes = Buffer.byteLength(message);
      if (slice.length > 0 && this.ws.bufferedAmount + sliceBytes + bytes > bound) {
        await this.sendSlice(slice);
        slice = [];
        sliceBytes = 0;
      }
      slice.push(message);
      sliceBytes += bytes;
    }
    if (slice.length > 0) await this.sendSlice(slice);
  }

  private async sendSlice(slice: string[]): Promise<void> {
    if (this.socket.writableNeedDrain) await this.waitForDrain();
    if (this.closed) throw new Error("socket closed");
    // Corked until the next tick, as Node's HTTP response corks each chunked write: the slice
    // leaves as one write, and the bytes just sent count as unsent until the kernel took them
    // (the same accounting as the SSE stream's writableLength, so the bounds mean the same).
    this.socket.cork();
    for (const message of slice) this.ws.send(message);
    const { socket } = this;
    process.nextTick(() => socket.uncork());
    const buffered = this.ws.bufferedAmount;
    const bound = this.context.options.sseMaxBufferedBytes;
    this.context.metrics.observeSseBufferedBytes(buffered);
    if (buffered > bound) {
      this.cut("buffer-full", `${buffered} bytes unsent exceed the ${bound}-byte bound`);
      throw new Error("socket cut");
    }
    // Full socket: stop here (and so stop reading Redis) until the client takes it.
    if (this.socket.writableNeedDrain) await this.waitForDrain();
  }

  /** Resolves on 'drain'; only a client that took nothing for sseMaxStallMs is cut. */
  private waitForDrain(): Promise<void> {
    const stallMs = this.context.options.sseMaxStallMs;
    return waitForDrainOrStall({
      emitter: this.socket,
      unsentBytes: () => this.ws.bufferedAmount,
      stallMs,
      onStall: (unsent) =>
        this.cut("stalled", `client took nothing for ${stallMs} ms (${unsent} bytes unsent)`),
    });
  }

  /** A slow consumer is cut off rather than buffered without bound. */
  private cut(reason: SseCutReason, detail: string): void {
    if (this.closed) return;
    this.context.log(`websocket: closed the socket of user ${this.userId}: ${detail}`);
    this.context.metrics.sseStreamsCut.inc({ reason });
    this.close(WS_CLOSE.policy, `${reason}: ${detail}`);
  }

  /** Sends a close frame (reason cut to the 123 bytes a close frame holds) and frees the slot now. */
  private close(code: number, reason: string): void {
    if (this.closed) return;
    this.cleanup();
    this.ws.close(code, reason.slice(0, 123)); // our reasons are ASCII: 1 byte per character
    const timer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    timer.unref();
    this.socket.once("close", () => clearTimeout(timer));
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cleanup of this.cleanups) cleanup();
  }
}
