/**
 * SSE: GET /api/notifications/:userId/sse keeps one response open and writes a `push` event per
 * notification (id = cursor, so a reconnect with Last-Event-ID resumes exactly) and a `count`
 * event after each batch. Without Last-Event-ID the stream starts from now. When the cursor
 * (Last-Event-ID, or a live stream that fell behind) is older than the trimmed history, the
 * batch starts with `event: reset` (sse-format.ts), so the gap is announced, never silent.
 *
 * Slow consumers are bounded. The follower stops reading Redis while the socket is full, and a
 * batch larger than what `sseMaxBufferedBytes` leaves room for is written in slices (whole
 * events), waiting for 'drain' between them: a client that reads is paced, never cut for the
 * size of its backlog. A client that takes nothing for `sseMaxStallMs` is cut ("stalled"); a
 * single event bigger than the bound is cut too ("buffer-full"), as it cannot be sent within
 * it. Cuts are counted in pvp_sse_streams_cut_total{reason} and logged with a human reason; the
 * largest unsent backlog any stream reached is the pvp_sse_max_buffered_bytes gauge.
 */

import type { Response } from "express";
import type { ReadResult } from "../src/notifications/index.ts";
import { waitForDrainOrStall } from "./drain-or-stall.ts";
import { sendUnavailable } from "./http-errors.ts";
import { startPushFollower } from "./push-follower.ts";
import { parseCursor, parseUserId, singleQuery } from "./request-validation.ts";
import type { SseCutReason } from "./server-metrics.ts";
import { formatSseBatchEvents, formatSseComment, formatSseRetry } from "./sse-format.ts";
import type { RouteInstaller, StrategyContext } from "./strategy-context.ts";

export const installSse: RouteInstaller = (app, context) => {
  const { source, options } = context;
  app.get("/api/notifications/:userId/sse", async (req, res) => {
    const userId = parseUserId(req);
    const header = req.get("last-event-id");
    const query = singleQuery(req, "lastEventId");
    // An empty Last-Event-ID means "none" (EventSource semantics); the header wins over the query.
    const raw = header !== undefined && header !== "" ? header : query || undefined;
    const cursor = raw === undefined ? undefined : parseCursor(raw, "Last-Event-ID");
    const release = context.admitDelivery(userId, res);
    if (release === undefined) return;

    let stream: SseStream | undefined;
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
    if (context.isShuttingDown() || res.destroyed) {
      release();
      follower.stop();
      if (!res.destroyed) sendUnavailable(res);
      return;
    }
    stream = new SseStream(res, context, userId, () => {
      follower.stop();
      release();
    });
    try {
      await stream.open(first);
    } catch {
      return; // cut or closed while the first batch was written; its cleanup stopped the follower
    }
    follower.run();
  });
};

/** One open event stream: headers, heartbeats, backpressure bounds and shutdown. */
class SseStream {
  private closed = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly res: Response,
    private readonly context: StrategyContext,
    private readonly userId: string,
    onClose: () => void,
  ) {
    this.cleanups.push(onClose);
  }

  /** Sends the headers, the retry hint and the first batch (one write unless it is too big). */
  async open(first: ReadResult): Promise<void> {
    const { res, context } = this;
    res.writeHead(200, {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-store",
      "X-Accel-Buffering": "no",
    });
    context.metrics.openStreams.inc();
    this.cleanups.push(() => context.metrics.openStreams.dec());
    this.cleanups.push(context.onShutdown(() => this.end()));
    res.once("close", () => this.cleanup());
    const heartbeat = setInterval(() => {
      // Skip while paused: the client is not reading anyway, and the buffer must not grow.
      if (!res.writableNeedDrain) this.write(formatSseComment("heartbeat"));
    }, context.options.heartbeatMs);
    this.cleanups.push(() => clearInterval(heartbeat));
    await this.writePaced([
      formatSseRetry(context.options.sseRetryMs),
      ...formatSseBatchEvents(first),
    ]);
    this.countDelivered(first);
  }

  /** Writes a batch; resolves when more may be written (after 'drain' if the buffer filled). */
  async sendBatch(batch: ReadResult): Promise<void> {
    if (this.closed) throw new Error("stream closed");
    await this.writePaced(formatSseBatchEvents(batch));
    this.countDelivered(batch);
  }

  /** Graceful shutdown: finish the response and the connection. */
  end(): void {
    if (this.closed) return;
    this.res.end(() => this.res.socket?.end());
    this.cleanup();
  }

  private countDelivered(batch: ReadResult): void {
    this.context.metrics.notificationsDelivered.inc(batch.notifications.length);
    if (batch.reset) this.context.metrics.resets.inc();
  }

  /**
   * Writes `events` in as few writes as the bound allows: the usual small batch is one write
   * (the bytes on the wire do not change), a large one is sliced at event boundaries so the
   * unsent backlog stays within sseMaxBufferedBytes while the client keeps reading. Resolves
   * when more may be written; rejects when the stream was closed or cut meanwhile.
   */
  private async writePaced(events: string[]): Promise<void> {
    const bound = this.context.options.sseMaxBufferedBytes;
    let slice = "";
    let sliceBytes = 0;
    for (const event of events) {
      const bytes = Buffer.byteLength(event);
      if (slice !== "" && this.res.writableLength + sliceBytes + bytes > bound) {
        await this.writeSlice(slice);
        slice = "";
        sliceBytes = 0;
      }
      slice += event;
      sliceBytes += bytes;
    }
    if (slice !== "") await this.writeSlice(slice);
  }

  private async writeSlice(slice: string): Promise<void> {
    if (this.res.writableNeedDrain) await this.waitForDrain();
    const writable = this.write(slice);
    if (this.closed) throw new Error("stream closed");
    // Full socket: stop here (and so stop reading Redis) until the client takes it.
    if (!writable) await this.waitForDrain();
  }

  private write(chunk: string): boolean {
    if (this.closed) return false;
    const writable = this.res.write(chunk);
    const buffered = this.res.writableLength;
    const bound = this.context.options.sseMaxBufferedBytes;
    this.context.metrics.observeSseBufferedBytes(buffered);
    if (buffered > bound) {
      this.abort("buffer-full", `${buffered} bytes unsent exceed the ${bound}-byte bound`);
      return false;
    }
    return writable;
  }

  /** Resolves on 'drain'; a client that took nothing for sseMaxStallMs is cut (drain-or-stall.ts). */
  private waitForDrain(): Promise<void> {
    const stallMs = this.context.options.sseMaxStallMs;
    return waitForDrainOrStall({
      emitter: this.res,
      unsentBytes: () => this.res.writableLength,
      stallMs,
      onStall: (unsent) =>
        this.abort("stalled", `client took nothing for ${stallMs} ms (${unsent} bytes unsent)`),
    });
  }

  /** A slow consumer is cut off rather than buffered without bound. */
  private abort(reason: SseCutReason, detail: string): void {
    if (this.closed) return;
    this.context.log(`sse: closed the stream of user ${this.userId}: ${detail}`);
    this.context.metrics.sseStreamsCut.inc({ reason });
    this.cleanup();
    this.res.destroy();
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cleanup of this.cleanups) cleanup();
  }
}
