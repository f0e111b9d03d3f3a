/**
 * When each simulated client put bytes on the wire, and how many: the input of the radio energy
 * model (src/energy). WireCounter feeds it every chunk written to or read from a tracked socket;
 * this keeps, per sampled client, the chunks coalesced into bursts.
 *
 * Bounded by design, whatever the run's size and length:
 * - a sample of clients, never all: at most `maxClients`, spread evenly over the run's clients
 *   (every k-th client created), so a fault aimed at the first or last share is represented;
 * - chunks that start within `coalesceMs` of a burst's first chunk join that burst (a poll's
 *   request and answer on loopback are one burst), so a burst costs three numbers however many
 *   chunks it has; the timing error this adds to the model is at most `coalesceMs` per burst;
 * - before the measured window only the newest PRE_WINDOW_BURSTS bursts are kept (they decide
 *   the radio's state when the window opens: awake in a tail, or asleep), inside it at most
 *   `maxBurstsPerClient` (then `truncated` is set and later bursts are dropped), after it nothing.
 */
import type { TrafficBurst } from "../energy/radio-model.ts";

/**
 * Bursts kept from before the window. The model assumes the radio idle before the oldest one, so
 * that one's promotion must lie before the window: 64 bursts of at least 10 ms (coalescing) span
 * more than 600 ms, over twice the longest promotion (3G, 582 ms); fewer bursts mean a longer
 * look back, over the whole pre-window traffic of a quiet client.
 */
export const PRE_WINDOW_BURSTS = 64;

export interface TimelineLimits {
  maxClients: number;
  maxBurstsPerClient: number;
  coalesceMs: number;
}

/**
 * 100 clients x 5,000 bursts (1 s polling for 83 minutes) x 3 doubles: at most 12 MB, in
 * practice a few hundred kB. 10 ms coalescing is well under the LTE DRX inactivity timer (100 ms),
 * the shortest timer the model has.
 */
export const DEFAULT_TIMELINE_LIMITS: TimelineLimits = {
  maxClients: 100,
  maxBurstsPerClient: 5_000,
  coalesceMs: 10,
};

/** One sampled client's bursts over the window (and the last one before it). */
export interface ClientTimeline {
  /** The client's place among the run's clients, 0-based (creation order). */
  clientIndex: number;
  bursts: TrafficBurst[];
  /** The window held more bursts than the bound: the rest were dropped. */
  truncated: boolean;
}

/** Every sampled client's timeline over the window [fromMs, toMs] (performance.now() ms). */
export interface TimelineWindow {
  fromMs: number;
  toMs: number;
  clients: ClientTimeline[];
}

type Phase = "before" | "window" | "after";

/** One client's recorder: parallel arrays of burst start, bytes up, bytes down. */
export class TimelineRecorder {
  private atMs: number[] = [];
  private up: number[] = [];
  private down: number[] = [];
  private truncated = false;
  /** Bursts kept from before the window (fixed when the first burst inside it comes). */
  private preWindow = -1;

  constructor(
    readonly clientIndex: number,
    private readonly owner: TrafficTimelines,
  ) {}

  /** Records one chunk: bytes written (up) or read (down) at `nowMs`. */
  record(bytesUp: number, bytesDown: number, nowMs = performance.now()): void {
    const phase = this.owner.phase;
    if (phase === "after" || bytesUp + bytesDown <= 0) return;
    if (phase === "window" && this.preWindow < 0) this.preWindow = this.atMs.length;
    const last = this.atMs.length - 1;
    const lastAt = this.atMs[last];
    if (lastAt !== undefined && nowMs - lastAt <= this.owner.limits.coalesceMs) {
      // the same burst: this chunk started within coalesceMs of the burst's first one
      this.up[last] = (this.up[last] ?? 0) + bytesUp;
      this.down[last] = (this.down[last] ?? 0) + bytesDown;
      return;
    }
    if (phase === "before" && this.atMs.length >= PRE_WINDOW_BURSTS) {
      // only the newest bursts before the window matter: they set the state the window opens in
      this.atMs.shift();
      this.up.shift();
      this.down.shift();
    }
    if (
      phase === "window" &&
      this.atMs.length >= this.preWindow + this.owner.limits.maxBurstsPerClient
    ) {
      this.truncated = true;
      return;
    }
    this.atMs.push(nowMs);
    this.up.push(bytesUp);
    this.down.push(bytesDown);
  }

  /** The bursts as kept (the first may lie before the window). */
  timeline(): ClientTimeline {
    return {
      clientIndex: this.clientIndex,
      bursts: this.atMs.map((atMs, i) => ({
        atMs,
        bytesUp: this.up[i] ?? 0,
        bytesDown: this.down[i] ?? 0,
      })),
      truncated: this.truncated,
    };
  }
}

/** The sample of clients and the window they record in; owned by a WireCounter. */
export class TrafficTimelines {
  phase: Phase = "before";
  private readonly recorders: TimelineRecorder[] = [];
  private expected = 0;
  private created = 0;
  private stride = 1;
  private windowStartMs: number | null = null;

  constructor(readonly limits: TimelineLimits = DEFAULT_TIMELINE_LIMITS) {}

  /**
   * Samples the next `clients` clients that ask for a recorder (the run calls this before it
   * creates its clients, which ask in creation order): every k-th one, at most maxClients.
   * Clients asking after those (warm-up users, or when this was never called) record nothing.
   */
  sampleNext(clients: number): void {
    this.expected = Math.max(0, Math.floor(clients));
    this.created = 0;
    this.stride = Math.max(1, Math.ceil(this.expected / this.limits.maxClients));
  }

  /** A recorder for the client being created, or null when it is not in the sample. */
  open(): TimelineRecorder | null {
    if (this.created >= this.expected) return null;
    const index = this.created++;
    if (index % this.stride !== 0 || this.recorders.length >= this.limits.maxClients) return null;
    const recorder = new TimelineRecorder(index, this);
    this.recorders.push(recorder);
    return recorder;
  }

  /** The measured window opens: from now on every burst is kept (up to the bound). */
  startWindow(nowMs = performance.now()): void {
    this.phase = "window";
    this.windowStartMs = nowMs;
  }

  /** The window closes: recording stops; returns every sampled client's timeline. */
  endWindow(nowMs = performance.now()): TimelineWindow {
    this.phase = "after";
    return {
      fromMs: this.windowStartMs ?? nowMs,
      toMs: nowMs,
      clients: this.recorders.map((r) => r.timeline()),
    };
  }
}

/** Bytes of a chunk passed to socket.write (string chunks in their encoding, utf8 by default). */
export function chunkBytes(chunk: unknown, encoding?: unknown): number {
  if (typeof chunk === "string") {
    return Buffer.byteLength(
      chunk,
      typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8",
    );
  }
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}
