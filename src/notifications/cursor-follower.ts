/**
 * Follows one user's stream from a cursor: register interest, then read, then re-read on every
 * wake-up hint. Because interest is registered before the first read, a notification published
 * in between is picked up by the re-read (never lost), and because every read starts after the
 * last delivered id, nothing is delivered twice. Used by long polling and SSE.
 *
 * Resets pass through: a read whose cursor fell behind the trimmed history (ReadResult.reset) is
 * delivered even when nothing is kept after the gap, because the client must hear about it.
 *
 * The fast path: a hint that carries its entry, and whose previous id is the cursor, is the very
 * next entry, so it is delivered without reading Redis (no round trip, no MULTI, no decode).
 * Every other case falls back to the read, which stays the authority: a hint that does not
 * continue the cursor (a hint lost, reordered, or the stream trimmed), a bare hint, a hint that
 * came while a read was in flight and the read did not cover, a queue of hints over its bound.
 * Hints at or behind the cursor are dropped (already delivered), so a duplicated or late hint
 * never delivers twice.
 */
import { compareStreamIds } from "./stream-id.ts";
import type { HintedEntry, NotificationSource, ReadResult } from "./types.ts";

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

/**
 * Hints kept while a batch is being delivered (a slow consumer); past it they are dropped and
 * one read catches up instead, so a stalled stream holds a bounded number of hints.
 */
const MAX_PENDING_HINTS = 256;

export class CursorFollower {
  private cursorValue = "0-0";
  private dirty = false;
  private pumping = false;
  private running = false;
  private stopped = false;
  private unwatch: (() => void) | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Hinted entries not yet delivered or dropped, in arrival order. */
  private hints: HintedEntry[] = [];
  private fastDeliveries = 0;
  private reads = 0;

  constructor(private readonly options: FollowOptions) {}

  /** The id of the last notification read (the resume point). */
  get cursor(): string {
    return this.cursorValue;
  }

  /** Batches delivered straight from hints, and reads of the stream (for tests and metrics). */
  get stats(): { fastDeliveries: number; reads: number } {
    return { fastDeliveries: this.fastDeliveries, reads: this.reads };
  }

  /**
   * Registers interest, then does the first read and returns it for the caller to deliver.
   * Rejects (and stops) when Redis is unreachable. Call run() afterwards for later batches.
   */
  async start(): Promise<ReadResult> {
    const { source, userId, from, pageSize } = this.options;
    this.unwatch = source.watch(userId, (hinted) => this.wake(hinted));
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
    this.hints = [];
    this.unwatch?.();
    this.unwatch = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private wake(hinted?: HintedEntry): void {
    if (this.stopped) return;
    if (hinted === undefined || this.hints.length >= MAX_PENDING_HINTS) {
      this.hints = [];
      this.dirty = true;
    } else {
      this.hints.push(hinted);
    }
    if (this.running) void this.pump();
  }

  /**
   * The hinted entries that continue the cursor, in order (at most a page); drops the hints
   * already behind it. Sets `dirty` when a hint remains that does not continue it (a gap).
   */
  private takeChainedHints(): HintedEntry[] {
    const chained: HintedEntry[] = [];
    let cursor = this.cursorValue;
    const rest: HintedEntry[] = [];
    for (const hint of this.hints) {
      if (compareStreamIds(hint.notification.id, cursor) <= 0) continue; // delivered already
      if (
        chained.length < this.options.pageSize &&
        rest.length === 0 &&
        hint.previousId === cursor
      ) {
        chained.push(hint);
        cursor = hint.notification.id;
      } else {
        rest.push(hint);
      }
    }
    this.hints = rest;
    // a hint that still does not continue the (moved) cursor means entries we have no hint for
    if (rest.length > 0 && chained.length === 0) this.dirty = true;
    return chained;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return; // the running loop sees `dirty` or the hints and goes on
    this.pumping = true;
    try {
      while ((this.dirty || this.hints.length > 0) && !this.stopped) {
        let batch: ReadResult;
        const chained = this.dirty ? [] : this.takeChainedHints();
        if (chained.length > 0) {
          const last = chained.at(-1) as HintedEntry;
          batch = {
            notifications: chained.map((hint) => hint.notification),
            cursor: last.notification.id,
            count: last.notification.seq,
            reset: false,
          };
          this.fastDeliveries += 1;
        } else {
          if (!this.dirty) continue; // every hint was behind the cursor
          this.dirty = false;
          // the read covers every entry hinted so far; hints arriving during it are checked after
          this.hints = [];
          try {
            this.reads += 1;
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
          if (batch.notifications.length >= this.options.pageSize) this.dirty = true;
        }
        this.cursorValue = batch.cursor;
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
