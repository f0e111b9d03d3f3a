/**
 * A slow reader: a token bucket over the bytes a client takes out of its responses. When a
 * chunk overdraws the bucket the response is paused until the debt is repaid. Pausing the
 * IncomingMessage (not merely delaying what we do with the bytes) is the point: once its
 * buffer is full Node stops reading the socket, the kernel's receive window closes, and the
 * server's send buffer fills, which is what the slow-consumer fault must provoke.
 */
import type { Readable } from "node:stream";

/** The bucket holds at most this much time's worth of bytes, so a slow reader never bursts far. */
export const READ_BURST_SECONDS = 0.1;

export class ReadThrottle {
  #bytesPerSec: number | null = null;
  /** Bytes that may be read now; negative = debt to repay before reading on. */
  #tokens = 0;
  #refilledAtMs = 0;
  #paused: Readable | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #nowMs: () => number;

  constructor(nowMs: () => number = () => performance.now()) {
    this.#nowMs = nowMs;
  }

  get bytesPerSec(): number | null {
    return this.#bytesPerSec;
  }

  /**
   * New rate; null = unthrottled (a paused stream resumes at once). 0 = stop reading until the
   * rate changes. A paused stream is re-timed for the new rate.
   */
  setRate(bytesPerSec: number | null): void {
    if (bytesPerSec !== null && !(Number.isFinite(bytesPerSec) && bytesPerSec >= 0)) {
      throw new RangeError(`read rate must be null or a finite number >= 0, got ${bytesPerSec}`);
    }
    if (this.#bytesPerSec === null) {
      // Starting to throttle: an empty bucket, so the limit holds from the first byte.
      this.#tokens = 0;
      this.#refilledAtMs = this.#nowMs();
    } else {
      this.#refill();
    }
    this.#bytesPerSec = bytesPerSec;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const paused = this.#paused;
    if (paused === undefined) return;
    if (bytesPerSec === null) {
      this.#paused = undefined;
      paused.resume();
    } else {
      this.#scheduleResume(paused);
    }
  }

  /** Charges `bytes` just read from `stream`; pauses it while the bucket is overdrawn. */
  consume(stream: Readable, bytes: number): void {
    if (this.#bytesPerSec === null) return;
    this.#refill();
    this.#tokens -= bytes;
    if (this.#tokens >= 0) return;
    stream.pause();
    this.#paused = stream;
    this.#scheduleResume(stream);
  }

  /** Forgets a paused stream (it is being destroyed) and its resume timer. */
  release(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#paused = undefined;
  }

  #scheduleResume(stream: Readable): void {
    const rate = this.#bytesPerSec;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (rate === null || rate === 0) return; // null is handled by the caller; 0 waits for a new rate
    const waitMs = Math.ceil((-this.#tokens / rate) * 1000);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#paused !== stream) return;
      this.#paused = undefined;
      stream.resume();
    }, waitMs);
  }

  #refill(): void {
    const nowMs = this.#nowMs();
    const rate = this.#bytesPerSec ?? 0;
    const burst = rate * READ_BURST_SECONDS;
    this.#tokens = Math.min(burst, this.#tokens + ((nowMs - this.#refilledAtMs) / 1000) * rate);
    this.#refilledAtMs = nowMs;
  }
}
