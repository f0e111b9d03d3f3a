/**
 * Follows one user's stream from a cursor: register interest, then read, then re-read on every
 * wake-up hint. Because interest is registered before the first read, a notification published
 * in between is picked up by the re-read (never lost), and because every read starts after the
 * last delivered id, nothing is delivered twice. Used by long polling and SSE.
 *
 * Resets pass through: a read whose cursor fell behind the trimmed history (ReadResult.reset) is
 * delivered even when nothing is kept after the gap, because the client must hear about it.
 */
import type { NotificationSource, ReadResult } from "./types.ts";

/** Where the first read starts: after a cursor, or the newest `latest` notifications. */
export type FollowFrom = { after: string } | { latest: number };

export interface FollowOptions {
  source: NotificationSource;
  userId: string;
  from: FollowFrom;
  /** Most notifications per read (and per batch). */
  pageSize: number;
  /**
   * Later batches, in order, never concurrently; return a promise to pause (backpressure).
   * A batch has notifications, or `reset: true` (possibly with none).
   */
  onBatch: (batch: ReadResult) => void | Promise<void>;
  /** A later read failed (Redis down); the follower retries by itself. */
  onReadError?: (error: unknown) => void;
  /** Wait before retrying a failed read, in ms (default 1000); a reconnect wakes it sooner. */
  retryDelayMs?: number;
}

const DEFAULT_RETRY_DELAY_MS = 1000;

export class CursorFollower {
  private cursorValue = "0-0";
  private dirty = false;
  private pumping = false;
  private running = false;
  private stopped = false;
  private unwatch: (() => void) | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: FollowOptions) {}

  /** The id of the last notification read (the resume point). */
  get cursor(): string {
    return this.cursorValue;
  }

  /**
   * Registers interest, then does the first read and returns it for the caller to deliver.
   * Rejects (and stops) when Redis is unreachable. Call run() afterwards for later batches.
   */
  async start(): Promise<ReadResult> {
    const { source, userId, from, pageSize } = this.options;
    this.unwatch = source.watch(userId, () => this.wake());
    try {
      const first =
        "after" in from
          ? await source.readAfter(userId, from.after, pageSize)
          : await source.readLatest(userId, from.latest);
      this.cursorValue = first.cursor;
      // A full page after a cursor may have more behind it; a "latest" read never does.
      if ("after" in from && first.notifications.length >= pageSize) this.dirty = true;
      return first;
    } catch (error) {
      this.stop();
      throw error;
    }
  }

  /** Starts delivering batches after start()'s result through onBatch. */
  run(): void {
    if (this.stopped) return;
    this.running = true;
    void this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.unwatch?.();
    this.unwatch = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private wake(): void {
    if (this.stopped) return;
    this.dirty = true;
    if (this.running) void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return; // the running loop sees `dirty` and reads again
    this.pumping = true;
    try {
      while (this.dirty && !this.stopped) {
        this.dirty = false;
        let batch: ReadResult;
        try {
          batch = await this.options.source.readAfter(
            this.options.userId,
            this.cursorValue,
            this.options.pageSize,
          );
        } catch (error) {
          this.options.onReadError?.(error);
          this.scheduleRetry();
          return;
        }
        if (this.stopped || (batch.notifications.length === 0 && !batch.reset)) continue;
        this.cursorValue = batch.cursor;
        if (batch.notifications.length >= this.options.pageSize) this.dirty = true;
        try {
          await this.options.onBatch(batch);
        } catch {
          this.stop(); // the consumer is gone (stream closed)
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.wake();
    }, this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS);
    this.retryTimer.unref();
  }
}
