/**
 * A run's radio energy figures (RunResult.energy) from its sampled clients' timelines: each
 * timeline is replayed over the measured window (radio-model.ts), the per-client figures are
 * averaged, and the window is extrapolated to a user-hour. Pure.
 */
import type { RadioEnergy, RadioSample } from "../model/results.ts";
import { type RadioReplay, replayRadio, type TrafficBurst } from "./radio-model.ts";
import { DEFAULT_BATTERY_VOLTAGE_V, type RadioProfile, tailMsOf } from "./radio-profiles.ts";

/** What the driver recorded: sampled clients' bursts over [fromMs, toMs] (traffic-timeline.ts). */
export interface TimelinesInput {
  fromMs: number;
  toMs: number;
  clients: readonly { clientIndex: number; bursts: readonly TrafficBurst[]; truncated: boolean }[];
}

export interface RunEnergyOptions {
  profile: RadioProfile;
  /** All clients of the run (the sample stands for them) and what was delivered in the window. */
  clients: number;
  deliveredInWindow: number;
  /** The servers' heartbeat interval, ms; null when unknown (--target). */
  heartbeatMs: number | null;
  batteryVoltageV?: number;
}

/** Bounds of the sample kept for the chart, so results.json stays small over long windows. */
export const SAMPLE_MAX_SEGMENTS = 400;
export const SAMPLE_MAX_PACKETS = 200;

/** Below this many tails in the window, the figures describe one tail more than a rhythm. */
export const SHORT_WINDOW_TAILS = 2;

const MS_PER_HOUR = 3_600_000;

/** J -> mAh at `volts`: J / V = coulombs; / 3.6 = mAh. */
export function joulesToMah(joules: number, volts: number): number {
  return joules / volts / 3.6;
}

/** Rounds to 0.1 (ms or mW): the sample is for a chart, and results.json stays readable. */
const tenth = (value: number) => Math.round(value * 10) / 10;

/**
 * The energy figures of a run; null when no client was sampled or the window is empty (nothing
 * to replay is not zero energy).
 */
export function runEnergy(input: TimelinesInput, options: RunEnergyOptions): RadioEnergy | null {
  const { profile } = options;
  const windowMs = input.toMs - input.fromMs;
  if (input.clients.length === 0 || !(windowMs > 0)) return null;
  const volts = options.batteryVoltageV ?? DEFAULT_BATTERY_VOLTAGE_V;
  const replays: RadioReplay[] = input.clients.map((client, i) =>
    replayRadio(profile, client.bursts, {
      fromMs: input.fromMs,
      toMs: input.toMs,
      keepSegments: i === 0,
    }),
  );
  const n = replays.length;
  const mean = (pick: (r: RadioReplay) => number) => replays.reduce((s, r) => s + pick(r), 0) / n;
  const meanEnergyJ = mean((r) => r.energyJ);
  const perHour = MS_PER_HOUR / windowMs;
  const stateShare: Record<string, number> = {};
  for (const r of replays) {
    for (const [state, ms] of Object.entries(r.stateMs)) {
      stateShare[state] = (stateShare[state] ?? 0) + ms / windowMs / n;
    }
  }
  for (const state of Object.keys(stateShare)) {
    stateShare[state] = Math.min(1, stateShare[state] ?? 0);
  }
  const energyPerUserHourJ = meanEnergyJ * perHour;
  const first = input.clients[0];
  const tailMs = tailMsOf(profile);
  return {
    profile: profile.id,
    profileLabel: profile.label,
    tailMs,
    promotionMs: profile.promotion.durationMs,
    batteryVoltageV: volts,
    heartbeatMs: options.heartbeatMs,
    sampledClients: n,
    windowMs,
    shortWindow: windowMs < SHORT_WINDOW_TAILS * (tailMs + profile.promotion.durationMs),
    energyPerUserHourJ,
    energyPerUserHourMah: joulesToMah(energyPerUserHourJ, volts),
    highPowerShare: Math.min(1, mean((r) => r.highPowerMs) / windowMs),
    promotionsPerUserHour: mean((r) => r.promotions) * perHour,
    energyPerDeliveredJ:
      options.deliveredInWindow > 0
        ? (meanEnergyJ * options.clients) / options.deliveredInWindow
        : null,
    stateShare,
    truncated: input.clients.some((c) => c.truncated),
    sample: first && replays[0] ? sampleOf(first, replays[0], input.fromMs, windowMs) : null,
  };
}

/**
 * One client's states and packets relative to the window's start, cut where either bound is
 * reached (`shownMs` says how far it goes). Bursts before the window are left out.
 */
function sampleOf(
  client: TimelinesInput["clients"][number],
  replay: RadioReplay,
  fromMs: number,
  windowMs: number,
): RadioSample {
  const segments = replay.segments ?? [];
  const packets = client.bursts.filter((b) => b.atMs >= fromMs && b.atMs - fromMs <= windowMs);
  let shownMs = windowMs;
  const segmentCut = segments[SAMPLE_MAX_SEGMENTS];
  if (segmentCut) shownMs = Math.min(shownMs, segmentCut.startMs - fromMs);
  const packetCut = packets[SAMPLE_MAX_PACKETS];
  if (packetCut) shownMs = Math.min(shownMs, packetCut.atMs - fromMs);
  return {
    clientIndex: client.clientIndex,
    shownMs: tenth(shownMs),
    segments: segments
      .filter((s) => s.startMs - fromMs < shownMs)
      .map((s) => ({
        state: s.state,
        startMs: tenth(s.startMs - fromMs),
        endMs: tenth(Math.min(s.endMs - fromMs, shownMs)),
        powerMw: tenth(s.powerMw),
      })),
    packets: packets
      .filter((b) => b.atMs - fromMs < shownMs || shownMs === windowMs)
      .map((b) => ({ atMs: tenth(b.atMs - fromMs), bytesUp: b.bytesUp, bytesDown: b.bytesDown })),
  };
}
