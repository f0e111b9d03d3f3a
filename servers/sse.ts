/**
 * SSE: GET /api/notifications/:userId/sse keeps one response open and writes a `push` event per
 * notification (id = cursor, so a reconnect with Last-Event-ID resumes exactly) and a `count`
 * event after each batch. Without Last-Event-ID the stream starts from now.
 */
import type { Response } from "express";
import { CursorFollower, type ReadResult } from "../src/notifications/index.ts";
import { sendUnavailable } from "./http-errors.ts";
import { parseCursor, parseUserId, singleQuery } from "./request-validation.ts";
import { formatSseBatch, formatSseComment, formatSseRetry } from "./sse-format.ts";
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
    const follower = new CursorFollower({
      source,
      userId,
      from: cursor === undefined ? { latest: 0 } : { after: cursor },
      pageSize: options.pageSize,
      onBatch: (batch) => stream?.sendBatch(batch),
    });
    let first: ReadResult;
    try {
      first = await follower.start();
    } catch {
      release();
      sendUnavailable(res);
      return;
    }
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
    stream.open(first);
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

  open(first: ReadResult): void {
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
    // retry hint, the resumed batch (if any), then the count: all in one write.
    this.write(formatSseRetry(context.options.sseRetryMs) + formatSseBatch(first));
    context.metrics.notificationsDelivered.inc(first.notifications.length);
  }

  /** Writes a batch; resolves when more may be written (after 'drain' if the buffer filled). */
  async sendBatch(batch: ReadResult): Promise<void> {
    if (this.closed) throw new Error("stream closed");
    const writable = this.write(formatSseBatch(batch));
    this.context.metrics.notificationsDelivered.inc(batch.notifications.length);
    if (!writable) await this.waitForDrain();
  }

  /** Graceful shutdown: finish the response and the connection. */
  end(): void {
    if (this.closed) return;
    this.res.end(() => this.res.socket?.end());
    this.cleanup();
  }

  private write(chunk: string): boolean {
    if (this.closed) return false;
    const writable = this.res.write(chunk);
    const buffered = this.res.writableLength;
    if (buffered > this.context.options.sseMaxBufferedBytes) {
      this.abort(
        `${buffered} bytes unsent exceed the ${this.context.options.sseMaxBufferedBytes}-byte bound`,
      );
      return false;
    }
    return writable;
  }

  private waitForDrain(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onDrain = () => {
        clearTimeout(timer);
        this.res.off("close", onClose);
        resolve();
      };
      const onClose = () => {
        clearTimeout(timer);
        this.res.off("drain", onDrain);
        reject(new Error("stream closed"));
      };
      const timer = setTimeout(() => {
        this.res.off("drain", onDrain);
        this.res.off("close", onClose);
        this.abort(`client did not read for ${this.context.options.sseMaxStallMs} ms`);
        reject(new Error("stream stalled"));
      }, this.context.options.sseMaxStallMs);
      this.res.once("drain", onDrain);
      this.res.once("close", onClose);
    });
  }

  /** A slow consumer is cut off rather than buffered without bound. */
  private abort(reason: string): void {
    if (this.closed) return;
    this.context.log(`sse: closed the stream of user ${this.userId}: ${reason}`);
    this.cleanup();
    this.res.destroy();
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cleanup of this.cleanups) cleanup();
  }
}
