/**
 * Replays one client's traffic through a radio profile's RRC state machine and integrates the
 * power: what that traffic would cost a phone's cellular radio. Pure and deterministic.
 *
 *   idle --packet--> promotion (fixed time and power) --> data (throughput power model)
 *     ^                                                     |  every packet restarts the tail
 *     +---- the tail's phases run out (inactivity timer) <--+  tail phases (e.g. DRX)
 *
 * A packet that arrives while the radio is connected (data or tail) is sent at once; one that
 * arrives during a promotion or another transfer waits for it. A burst's transfer time is its
 * bytes at the profile's link rates, up then down; its energy is alpha_u * Mbit up + alpha_d *
 * Mbit down + beta * transfer time (the Table 4 model integrated over the transfer). The radio
 * is assumed idle before the first burst it is given: pass the last burst before the window so
 * the state at the window's start is right.
 */
import type { RadioProfile } from "./radio-profiles.ts";

/** Bytes a client moved around one moment: a socket chunk, or chunks coalesced into a burst. */
export interface TrafficBurst {
  /** When the first byte of the burst was written or read, ms (any monotonic origin). */
  atMs: number;
  bytesUp: number;
  bytesDown: number;
}

export const IDLE_STATE = "idle";
export const PROMOTION_STATE = "promotion";
export const DATA_STATE = "data";

/** A stretch of time in one radio state, at its average power. */
export interface RadioSegment {
  state: string;
  startMs: number;
  endMs: number;
  powerMw: number;
}

export interface ReplayOptions {
  /** The interval whose energy counts (bursts before it only set the radio's state). */
  fromMs: number;
  toMs: number;
  /** Keep the state timeline (for a chart); off by default, it is the only part that grows. */
  keepSegments?: boolean;
}

export interface RadioReplay {
  energyJ: number;
  durationMs: number;
  /** Time in any state but idle: promotion, data and every tail phase. */
  highPowerMs: number;
  /** IDLE -> connected transitions that started inside the interval: radio wake-ups. */
  promotions: number;
  /** Time per state inside the interval, ms (states never entered are absent). */
  stateMs: Record<string, number>;
  /** The clipped state timeline when asked for (consecutive segments of a state merged), else null. */
  segments: RadioSegment[] | null;
}

/** µJ = mW x ms. */
const MICROJOULES_PER_JOULE = 1e6;

/** How long the radio moves a burst's bytes, ms: up at the uplink rate, then down. */
export function transferMs(profile: RadioProfile, burst: TrafficBurst): number {
  const { uplinkMbps, downlinkMbps } = profile.data;
  // bits / (Mbit/s) = µs; / 1000 = ms
  return (burst.bytesUp * 8) / uplinkMbps / 1000 + (burst.bytesDown * 8) / downlinkMbps / 1000;
}

/** Energy of moving a burst's bytes, µJ (mW/Mbps x Mbit = mJ; x 1000 = µJ). */
export function transferMicrojoules(profile: RadioProfile, burst: TrafficBurst): number {
  const { alphaUpMwPerMbps, alphaDownMwPerMbps, betaMw } = profile.data;
  const upMbit = (burst.bytesUp * 8) / 1e6;
  const downMbit = (burst.bytesDown * 8) / 1e6;
  return (
    (alphaUpMwPerMbps * upMbit + alphaDownMwPerMbps * downMbit) * 1000 +
    betaMw * transferMs(profile, burst)
  );
}

/** Energy of one promotion, J. */
export function promotionEnergyJ(profile: RadioProfile): number {
  return (profile.promotion.durationMs * profile.promotion.powerMw) / MICROJOULES_PER_JOULE;
}

/** Accumulates clipped segments: energy, time per state and (optionally) the timeline. */
class Integrator {
  energyUj = 0;
  readonly stateMs: Record<string, number> = {};
  readonly segments: RadioSegment[] | null;

  constructor(
    private readonly fromMs: number,
    private readonly toMs: number,
    keepSegments: boolean,
  ) {
    this.segments = keepSegments ? [] : null;
  }

  /** Adds [startMs, endMs) at powerMw, clipped to the interval. */
  add(state: string, startMs: number, endMs: number, powerMw: number): void {
    const start = Math.max(startMs, this.fromMs);
    const end = Math.min(endMs, this.toMs);
    if (!(end > start)) return;
    const ms = end - start;
    this.energyUj += powerMw * ms;
    this.stateMs[state] = (this.stateMs[state] ?? 0) + ms;
    if (this.segments === null) return;
    const last = this.segments.at(-1);
    if (last && last.state === state && last.endMs === start && last.powerMw === powerMw) {
      last.endMs = end;
    } else {
      this.segments.push({ state, startMs: start, endMs: end, powerMw });
    }
  }
}

/** The tail's phases from `startMs`, cut at `untilMs` (a packet restarts it there). */
function addTail(out: Integrator, profile: RadioProfile, startMs: number, untilMs: number): void {
  let at = startMs;
  for (const phase of profile.tail) {
    if (at >= untilMs) return;
    const end = Math.min(at + phase.durationMs, untilMs);
    out.add(phase.state, at, end, phase.powerMw);
    at = end;
  }
}

/**
 * Replays `bursts` (any order; sorted here) and integrates the power over [fromMs, toMs].
 * Bursts after toMs are ignored; bursts before fromMs set the state the interval starts in.
 */
export function replayRadio(
  profile: RadioProfile,
  bursts: readonly TrafficBurst[],
  options: ReplayOptions,
): RadioReplay {
  const { fromMs, toMs } = options;
  if (!(toMs >= fromMs)) throw new RangeError(`replay interval ends before it starts`);
  const out = new Integrator(fromMs, toMs, options.keepSegments ?? false);
  const sorted = [...bursts].filter((b) => b.atMs <= toMs).sort((a, b) => a.atMs - b.atMs);
  const tailMs = profile.tail.reduce((sum, phase) => sum + phase.durationMs, 0);
  let promotions = 0;
  // The radio's state is fully described by two times: when the last transfer ends (the tail
  // starts) and when the tail ends (idle from then on). Before any burst: idle since fromMs.
  let freeAtMs = Number.NEGATIVE_INFINITY;
  let awakeUntilMs = Number.NEGATIVE_INFINITY;
  let idleSinceMs = Math.min(fromMs, sorted[0]?.atMs ?? fromMs);
  for (const burst of sorted) {
    const t = burst.atMs;
    let startMs: number;
    if (t >= awakeUntilMs) {
      // asleep: finish the previous tail, sleep until now, wake up
      if (Number.isFinite(freeAtMs)) addTail(out, profile, freeAtMs, awakeUntilMs);
      out.add(IDLE_STATE, idleSinceMs, t, profile.idlePowerMw);
      const { durationMs, powerMw } = profile.promotion;
      out.add(PROMOTION_STATE, t, t + durationMs, powerMw);
      if (t >= fromMs) promotions += 1;
      startMs = t + durationMs;
    } else if (t < freeAtMs) {
      // promoting or moving earlier bytes: this burst queues behind them
      startMs = freeAtMs;
    } else {
      // in the tail: it is cut here and starts over after this transfer
      addTail(out, profile, freeAtMs, t);
      startMs = t;
    }
    const ms = transferMs(profile, burst);
    if (ms > 0)
      out.add(DATA_STATE, startMs, startMs + ms, transferMicrojoules(profile, burst) / ms);
    freeAtMs = startMs + ms;
    awakeUntilMs = freeAtMs + tailMs;
    idleSinceMs = awakeUntilMs;
  }
  if (Number.isFinite(freeAtMs)) addTail(out, profile, freeAtMs, awakeUntilMs);
  out.add(IDLE_STATE, idleSinceMs, toMs, profile.idlePowerMw);
  const durationMs = toMs - fromMs;
  const idleMs = out.stateMs[IDLE_STATE] ?? 0;
  return {
    energyJ: out.energyUj / MICROJOULES_PER_JOULE,
    durationMs,
    highPowerMs: Math.max(0, durationMs - idleMs),
    promotions,
    stateMs: out.stateMs,
    segments: out.segments,
  };
}
