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
import { admitPushFollower } from "./push-follower.ts";
import { PushStreamLifecycle } from "./push-stream-lifecycle.ts";
import { parseCursor, parseUserId, singleQuery } from "./request-validation.ts";
import { formatSseBatchEvents, formatSseComment, formatSseRetry } from "./sse-format.ts";
import type { RouteInstaller, StrategyContext } from "./strategy-context.ts";

export const installSse: RouteInstaller = (app, context) => {
  app.get("/api/notifications/:userId/sse", async (req, res) => {
    const userId = parseUserId(req);
    const header = req.get("last-event-id");
    const query = singleQuery(req, "lastEventId");
    // An empty Last-Event-ID means "none" (EventSource semantics); the header wins over the query.
    const raw = header !== undefined && header !== "" ? header : query || undefined;
    const cursor = raw === undefined ? undefined : parseCursor(raw, "Last-Event-ID");
    let stream: SseStream | undefined;
    const started = await admitPushFollower(context, {
      userId,
      cursor,
      onBatch: (batch) => stream?.sendBatch(batch),
      res,
    });
    if (started === null) return;
    const { follower, first, release } = started;
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

/** One open event stream: headers, the retry hint, SSE events; the lifecycle is shared. */
class SseStream extends PushStreamLifecycle {
  constructor(
    private readonly res: Response,
    context: StrategyContext,
    userId: string,
    onClose: () => void,
  ) {
    super(context, res, userId, "sse: closed the stream", onClose);
  }

  /** Sends the headers, the retry hint and the first batch (one write unless it is too big). */
  async open(first: ReadResult): Promise<void> {
    const { res, context } = this;
    res.writeHead(200, {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-store",
      "X-Accel-Buffering": "no",
    });
    this.startLifecycle(
      () => this.end(),
      () => this.write(formatSseComment("heartbeat")),
    );
    res.once("close", () => this.cleanup());
    await this.deliver(
      [formatSseRetry(context.options.sseRetryMs), ...formatSseBatchEvents(first)],
      first,
    );
  }

  /** Writes a batch; resolves when more may be written (after 'drain' if the buffer filled). */
  async sendBatch(batch: ReadResult): Promise<void> {
    if (this.closed) throw new Error("stream closed");
    await this.deliver(formatSseBatchEvents(batch), batch);
  }

  /** Graceful shutdown: finish the response and the connection. */
  end(): void {
    if (this.closed) return;
    this.res.end(() => this.res.socket?.end());
    this.cleanup();
  }

  protected unsentBytes(): number {
    return this.res.writableLength;
  }

  /** One write of the slice's events joined (the same bytes as a whole-batch write). */
  protected async sendSlice(events: string[]): Promise<void> {
    if (this.res.writableNeedDrain) await this.waitForDrain();
    const writable = this.write(events.join(""));
    if (this.closed) throw new Error("stream closed");
    // Full socket: stop here (and so stop reading Redis) until the client takes it.
    if (!writable) await this.waitForDrain();
  }

  protected closeAfterCut(): void {
    this.res.destroy();
  }

  private write(chunk: string): boolean {
    if (this.closed) return false;
    const writable = this.res.write(chunk);
    if (!this.withinBound()) return false;
    return writable;
  }
}
