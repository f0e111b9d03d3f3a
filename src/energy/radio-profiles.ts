/**
 * The one table of radio parameters the energy model replays traffic through, with where every
 * number comes from. A profile is the cellular radio's RRC state machine reduced to what decides
 * a phone's energy: what waking up costs (promotion), what staying awake costs after the last
 * packet (the tail, until the inactivity timer fires), what sleeping costs (idle with paging),
 * and what moving bytes costs (the throughput power model).
 *
 * Source of both profiles: J. Huang, F. Qian, A. Gerber, Z. M. Mao, S. Sen, O. Spatscheck,
 * "A Close Examination of Performance and Power Characteristics of 4G LTE Networks", MobiSys
 * 2012. Table 1 gives the LTE RRC/DRX timers, Table 3 the measured power and duration of every
 * state (LTE, 3G and WiFi, same phone, screen off), Table 4 the data-transfer power model
 * P = alpha_u * t_u + alpha_d * t_d + beta (t in Mbit/s). The LTE values agree with the default
 * LTE profile of AT&T's ARO / Video Optimizer, which implements this model.
 *
 * Powers are device power in mW, as the paper measured them; the screen-off base power
 * (11.4 mW, Table 3) is left out of idle, so an idle radio costs its paging only, like ARO does.
 */

export const RADIO_PROFILE_IDS = ["lte", "3g"] as const;
export type RadioProfileId = (typeof RADIO_PROFILE_IDS)[number];

/** One stretch of the tail after the last transfer: the radio stays in `state` for durationMs. */
export interface TailPhase {
  /** e.g. "continuous", "short-drx", "long-drx" (LTE); "dch-tail", "fach-tail" (3G). */
  state: string;
  durationMs: number;
  /** Average power over the phase, mW (DRX phases: on-duration and sleep averaged). */
  powerMw: number;
}

export interface RadioProfile {
  id: RadioProfileId;
  /** e.g. "LTE (Huang et al., MobiSys 2012)". */
  label: string;
  /** IDLE -> connected: the radio signals for durationMs at powerMw before any byte moves. */
  promotion: { durationMs: number; powerMw: number };
  /** Average power while idle: the paging wake-ups averaged over their cycle, mW. */
  idlePowerMw: number;
  /**
   * The tail, in order: every packet restarts it from the first phase; after the last phase the
   * radio demotes to idle. Powers never rise from one phase to the next.
   */
  tail: readonly TailPhase[];
  /** Moving bytes: P = alpha_u * Mbit/s up + alpha_d * Mbit/s down + beta, over the transfer time. */
  data: {
    alphaUpMwPerMbps: number;
    alphaDownMwPerMbps: number;
    betaMw: number;
    /** Link rates that turn a burst's bytes into a transfer time (see each profile). */
    uplinkMbps: number;
    downlinkMbps: number;
  };
}

/** Average power of a DRX phase that wakes for onMs at onMw every cycleMs and sleeps at sleepMw. */
export function drxAveragePowerMw(p: {
  onMs: number;
  onMw: number;
  cycleMs: number;
  sleepMw: number;
}): number {
  return (p.onMs * p.onMw + (p.cycleMs - p.onMs) * p.sleepMw) / p.cycleMs;
}

/** LTE, every value as published (see the module comment for the tables). */
export const LTE_PARAMETERS = {
  /** Table 3 "LTE promotion": 1210.7 +/- 85.6 mW for 260.1 +/- 15.8 ms. */
  promotionMs: 260.1,
  promotionMw: 1210.7,
  /** Table 1 "Ti", DRX inactivity timer: continuous reception for 100 ms after a packet. */
  continuousMs: 100,
  /** Table 1 "Tis", short DRX cycle timer: 20 ms of short DRX before long DRX. */
  shortDrxMs: 20,
  /** Table 1 "Ttail" / Table 3 "LTE tail base": RRC inactivity timer 11576 +/- 26.1 ms. */
  tailMs: 11_576,
  /** Table 3 "LTE tail base": 1060.0 +/- 3.3 mW between DRX on-durations. */
  tailBaseMw: 1060.0,
  /** Table 3 "LTE Short DRX On RRC_CONNECTED": 1680.2 mW, 1.0 ms on, every 20.0 ms. */
  shortDrxOnMw: 1680.2,
  shortDrxOnMs: 1.0,
  shortDrxCycleMs: 20.0,
  /** Table 3 "LTE Long DRX On RRC_CONNECTED": 1680.1 mW, 1.0 ms on, every 40.1 ms. */
  longDrxOnMw: 1680.1,
  longDrxOnMs: 1.0,
  longDrxCycleMs: 40.1,
  /** Table 3 "LTE DRX On RRC_IDLE": paging, 594.3 mW for 43.2 ms every 1280.2 ms. */
  pagingOnMw: 594.3,
  pagingOnMs: 43.2,
  pagingCycleMs: 1280.2,
  /** Table 4 "LTE": alpha_u 438.39 mW/Mbps, alpha_d 51.97 mW/Mbps, beta 1288.04 mW. */
  alphaUpMwPerMbps: 438.39,
  alphaDownMwPerMbps: 51.97,
  betaMw: 1288.04,
  /** The paper's median LTE throughput over its 4GTest users (abstract, Section 4): 13 down, 6 up. */
  downlinkMbps: 13,
  uplinkMbps: 6,
} as const;

/**
 * 3G (UMTS/HSPA) from the same paper's comparison. Its DCH and FACH tails are the two tail
 * phases; a packet in FACH is assumed to go at once (the FACH -> DCH promotion is not modelled).
 */
export const UMTS_PARAMETERS = {
  /** Table 3 "3G promotion": 659.4 +/- 40.4 mW for 582.1 +/- 79.5 ms. */
  promotionMs: 582.1,
  promotionMw: 659.4,
  /** Table 3 "3G DCH tail base": 803.9 +/- 5.9 mW for 8088.2 +/- 149.6 ms. */
  dchTailMs: 8088.2,
  dchTailMw: 803.9,
  /** Table 3 "3G FACH tail base": 601.3 +/- 6.4 mW for 824.2 +/- 148.1 ms. */
  fachTailMs: 824.2,
  fachTailMw: 601.3,
  /** Table 3 "3G DRX (idle)": 374.2 mW for 55.4 ms every 5112.4 ms. */
  pagingOnMw: 374.2,
  pagingOnMs: 55.4,
  pagingCycleMs: 5112.4,
  /** Table 4 "3G": alpha_u 868.98 mW/Mbps, alpha_d 122.12 mW/Mbps, beta 817.88 mW. */
  alphaUpMwPerMbps: 868.98,
  alphaDownMwPerMbps: 122.12,
  betaMw: 817.88,
  /**
   * Link rates are an assumption, not a table value (HSPA-class 2 Mbit/s down, 1 up): with the
   * few hundred bytes a poll moves, a transfer lasts milliseconds against a tail of seconds, so
   * the result barely depends on them.
   */
  downlinkMbps: 2,
  uplinkMbps: 1,
} as const;

/** What every profile takes from its parameter table the same way (promotion, paging, data). */
interface PublishedRadioParameters {
  promotionMs: number;
  promotionMw: number;
  pagingOnMs: number;
  pagingOnMw: number;
  pagingCycleMs: number;
  alphaUpMwPerMbps: number;
  alphaDownMwPerMbps: number;
  betaMw: number;
  uplinkMbps: number;
  downlinkMbps: number;
}

/** A profile from its published values; only the tail phases differ in shape between radios. */
function buildProfile(
  id: RadioProfileId,
  label: string,
  p: PublishedRadioParameters,
  tail: readonly TailPhase[],
): RadioProfile {
  return {
    id,
    label,
    promotion: { durationMs: p.promotionMs, powerMw: p.promotionMw },
    // Idle = paging only: the radio sleeps at 0 mW between paging wake-ups (module comment).
    idlePowerMw: drxAveragePowerMw({
      onMs: p.pagingOnMs,
      onMw: p.pagingOnMw,
      cycleMs: p.pagingCycleMs,
      sleepMw: 0,
    }),
    tail,
    data: {
      alphaUpMwPerMbps: p.alphaUpMwPerMbps,
      alphaDownMwPerMbps: p.alphaDownMwPerMbps,
      betaMw: p.betaMw,
      uplinkMbps: p.uplinkMbps,
      downlinkMbps: p.downlinkMbps,
    },
  };
}

const lte = LTE_PARAMETERS;
const umts = UMTS_PARAMETERS;

export const RADIO_PROFILES: Readonly<Record<RadioProfileId, RadioProfile>> = {
  lte: buildProfile("lte", "LTE (Huang et al., MobiSys 2012)", lte, [
    // continuous reception without data: the throughput model at zero throughput
    { state: "continuous", durationMs: lte.continuousMs, powerMw: lte.betaMw },
    {
      state: "short-drx",
      durationMs: lte.shortDrxMs,
      powerMw: drxAveragePowerMw({
        onMs: lte.shortDrxOnMs,
        onMw: lte.shortDrxOnMw,
        cycleMs: lte.shortDrxCycleMs,
        sleepMw: lte.tailBaseMw,
      }),
    },
    {
      state: "long-drx",
      durationMs: lte.tailMs - lte.continuousMs - lte.shortDrxMs,
      powerMw: drxAveragePowerMw({
        onMs: lte.longDrxOnMs,
        onMw: lte.longDrxOnMw,
        cycleMs: lte.longDrxCycleMs,
        sleepMw: lte.tailBaseMw,
      }),
    },
  ]),
  "3g": buildProfile("3g", "3G (Huang et al., MobiSys 2012)", umts, [
    { state: "dch-tail", durationMs: umts.dchTailMs, powerMw: umts.dchTailMw },
    { state: "fach-tail", durationMs: umts.fachTailMs, powerMw: umts.fachTailMw },
  ]),
};

export const DEFAULT_RADIO_PROFILE_ID: RadioProfileId = "lte";

/** The battery voltage mAh figures are stated at: a typical Li-ion phone cell's nominal 3.85 V. */
export const DEFAULT_BATTERY_VOLTAGE_V = 3.85;

/** Total tail: last packet -> demotion to idle (the RRC inactivity timer), ms. */
export function tailMsOf(profile: RadioProfile): number {
  return profile.tail.reduce((sum, phase) => sum + phase.durationMs, 0);
}

/**
 * The profile with its inactivity timer set to `tailMs` (an operator's setting, `--radio-tail-ms`):
 * the phases are kept in order and the last one that fits is shortened or lengthened, so a tail
 * shorter than the early phases cuts them.
 */
export function withTailMs(profile: RadioProfile, tailMs: number): RadioProfile {
  if (!(Number.isFinite(tailMs) && tailMs >= 0)) throw new RangeError(`bad tail ${tailMs} ms`);
  const tail: TailPhase[] = [];
  let left = tailMs;
  profile.tail.forEach((phase, i) => {
    if (left <= 0) return;
    const last = i === profile.tail.length - 1;
    const durationMs = last ? left : Math.min(phase.durationMs, left);
    tail.push({ ...phase, durationMs });
    left -= durationMs;
  });
  return { ...profile, tail };
}

/** The profile a run uses: a named profile, its tail optionally overridden. */
export function resolveRadioProfile(id: RadioProfileId, tailMs: number | null): RadioProfile {
  const base = RADIO_PROFILES[id];
  return tailMs === null ? base : withTailMs(base, tailMs);
}
