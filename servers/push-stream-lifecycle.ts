/**
 * The lifecycle both push strategies share (SSE and WebSocket), so the two streams cannot drift
 * apart in how they count, pace, cut and clean up: the open-streams gauge, the cleanup list run
 * exactly once (whichever comes first: the client closing, a cut, shutdown), heartbeats skipped
 * while the socket is full, a batch sent in slices that keep the unsent bytes within
 * `sseMaxBufferedBytes`, and the slow-consumer cut (`stalled`, `buffer-full`: one log line, one
 * count in pvp_sse_streams_cut_total{reason}). What goes on the wire and how the transport is
 * closed stay in each strategy's file (sse.ts, websocket.ts).
 */
import type { EventEmitter } from "node:events";
import type { ReadResult } from "../src/notifications/index.ts";
import { waitForDrainOrStall } from "./drain-or-stall.ts";
import type { SseCutReason } from "./server-metrics.ts";
import type { StrategyContext } from "./strategy-context.ts";

/** What the stream writes into: the HTTP response (SSE) or the raw socket (WebSocket). */
export type PushTransport = EventEmitter & { readonly writableNeedDrain: boolean };

export abstract class PushStreamLifecycle {
  protected closed = false;
  private readonly cleanups: (() => void)[] = [];

  /**
   * `cutLogLabel` starts a cut's log line, e.g. "sse: closed the stream"; `onClose` runs first
   * among the cleanups (the strategy stops its follower and frees the user's slot there).
   */
  protected constructor(
    protected readonly context: StrategyContext,
    private readonly transport: PushTransport,
    private readonly userId: string,
    private readonly cutLogLabel: string,
    onClose: () => void,
  ) {
    this.cleanups.push(onClose);
  }

  /** Bytes written but not yet taken by the client (what the bound and the stall rule watch). */
  protected abstract unsentBytes(): number;
  /** Writes one slice of whole messages; resolves when more may be written. */
  protected abstract sendSlice(messages: string[]): Promise<void>;
  /** Ends the transport after a cut; the cleanups have already run. */
  protected abstract closeAfterCut(reason: SseCutReason, detail: string): void;

  /**
   * Counts the stream as open until cleanup, registers `onShutdown` for graceful shutdown and
   * calls `heartbeat` every heartbeatMs, except while the socket is full: the client is not
   * reading then, and the buffer must not grow.
   *
   * The first heartbeat comes at a random point of the first interval, not a whole interval
   * after the stream opened. Streams opened together (a ramp, a deploy, a reconnect storm)
   * would otherwise beat in step forever: a spike of writes every heartbeatMs on the server and
   * of radio wake-ups on the clients. And a measured window shorter than the interval would
   * count heartbeats by phase, not rate: with every stream opened in a 2 s ramp, a 25 s window
   * saw exactly one heartbeat per stream where the rate gives 25 / 15 = 1.67, and an 8 s window
   * saw none. Never later than a whole interval, so what a heartbeat keeps alive (a proxy's
   * read timeout, the client's idle bound) is kept as before.
   */
  protected startLifecycle(onShutdown: () => void, heartbeat: () => void): void {
    const { context } = this;
    context.metrics.openStreams.inc();
    this.cleanups.push(() => context.metrics.openStreams.dec());
    this.cleanups.push(context.onShutdown(onShutdown));
    const beat = (): void => {
      if (!this.transport.writableNeedDrain) heartbeat();
    };
    const { heartbeatMs } = context.options;
    let interval: NodeJS.Timeout | undefined;
    const first = setTimeout(
      () => {
        beat();
        interval = setInterval(beat, heartbeatMs);
      },
      Math.max(1, Math.floor(Math.random() * heartbeatMs)),
    );
    this.cleanups.push(() => {
      clearTimeout(first);
      if (interval !== undefined) clearInterval(interval);
    });
  }

  /** Sends one batch's messages paced (sendPaced), then counts what it delivered. */
  protected async deliver(messages: string[], batch: ReadResult): Promise<void> {
    await this.sendPaced(messages);
    this.context.metrics.notificationsDelivered.inc(batch.notifications.length);
    if (batch.reset) this.context.metrics.resets.inc();
  }

  /**
   * Sends `messages` in as few slices as the bound allows: the usual small batch is one slice
   * (the bytes on the wire do not change), a large one is cut at message boundaries so the
   * unsent backlog stays within sseMaxBufferedBytes while the client keeps reading. Resolves
   * when more may be sent; rejects when the stream was closed or cut meanwhile.
   */
  private async sendPaced(messages: string[]): Promise<void> {
    const boundBytes = this.context.options.sseMaxBufferedBytes;
    let slice: string[] = [];
    let sliceBytes = 0;
    for (const message of messages) {
      const bytes = Buffer.byteLength(message);
      if (slice.length > 0 && this.unsentBytes() + sliceBytes + bytes > boundBytes) {
        await this.sendSlice(slice);
        slice = [];
        sliceBytes = 0;
      }
      slice.push(message);
      sliceBytes += bytes;
    }
    if (slice.length > 0) await this.sendSlice(slice);
  }

  /**
   * Call right after a write: records the unsent backlog in pvp_sse_max_buffered_bytes and cuts
   * the stream ("buffer-full") when it exceeds the bound. False when it was cut.
   */
  protected withinBound(): boolean {
    const bufferedBytes = this.unsentBytes();
    const boundBytes = this.context.options.sseMaxBufferedBytes;
    this.context.metrics.observeSseBufferedBytes(bufferedBytes);
    if (bufferedBytes > boundBytes) {
      this.cut("buffer-full", `${bufferedBytes} bytes unsent exceed the ${boundBytes}-byte bound`);
      return false;
    }
    return true;
  }

  /** Resolves on 'drain'; a client that took nothing for sseMaxStallMs is cut (drain-or-stall.ts). */
  protected waitForDrain(): Promise<void> {
    const stallMs = this.context.options.sseMaxStallMs;
    return waitForDrainOrStall({
      emitter: this.transport,
      unsentBytes: () => this.unsentBytes(),
      stallMs,
      onStall: (unsent) =>
        this.cut("stalled", `client took nothing for ${stallMs} ms (${unsent} bytes unsent)`),
    });
  }

  /** A slow consumer is cut off rather than buffered without bound. */
  private cut(reason: SseCutReason, detail: string): void {
    if (this.closed) return;
    this.context.log(`${this.cutLogLabel} of user ${this.userId}: ${detail}`);
    this.context.metrics.sseStreamsCut.inc({ reason });
    this.cleanup();
    this.closeAfterCut(reason, detail);
  }

  /** Runs the cleanups once; later calls (the transport's 'close' after a cut) do nothing. */
  protected cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cleanup of this.cleanups) cleanup();
  }
}
