/**
 * The `npm run bench` flags of the radio energy estimate (src/energy) and of the servers'
 * heartbeat, which decides much of it: `--radio-profile`, `--radio-tail-ms`, `--heartbeat-ms`.
 */
import {
  DEFAULT_RADIO_PROFILE_ID,
  RADIO_PROFILE_IDS,
  RADIO_PROFILES,
  type RadioProfileId,
  tailMsOf,
} from "../energy/radio-profiles.ts";
import type { FlagValues } from "../util/parse-flags.ts";
import { parseIntegerFlag } from "../util/parse-flags.ts";
import { UsageError } from "../util/usage-error.ts";
import { OUR_HEARTBEAT_MS } from "./client-bound-flags.ts";

export interface EnergyOptions {
  /** `--radio-profile`: the radio the clients' traffic is replayed through. Default lte. */
  radioProfile: RadioProfileId;
  /** `--radio-tail-ms`: the RRC inactivity timer instead of the profile's; null = the profile's. */
  radioTailMs: number | null;
  /**
   * `--heartbeat-ms`: passed to our servers' `--heartbeat-ms` (SSE comments); null = their
   * default (OUR_HEARTBEAT_MS). Not with --target: the target's own heartbeat applies.
   */
  heartbeatMs: number | null;
}

export const DEFAULT_ENERGY_OPTIONS: EnergyOptions = {
  radioProfile: DEFAULT_RADIO_PROFILE_ID,
  radioTailMs: null,
  heartbeatMs: null,
};

/** `--radio-tail-ms` bounds: 0 (the radio sleeps at once) .. 10 minutes. */
export const MAX_RADIO_TAIL_MS = 600_000;
/** `--heartbeat-ms` bounds: our servers' own (servers/server-options.ts). */
export const MIN_HEARTBEAT_MS = 1;
export const MAX_HEARTBEAT_MS = 3_600_000;

export const ENERGY_FLAG_SPEC = {
  "radio-profile": { type: "string" },
  "radio-tail-ms": { type: "string" },
  "heartbeat-ms": { type: "string" },
} as const;

export function energyFlagsHelp(): string {
  const profiles = RADIO_PROFILE_IDS.map(
    (id) => `${id} (tail ${Math.round(tailMsOf(RADIO_PROFILES[id]))} ms)`,
  ).join(", ");
  return `Radio energy (an estimate from each sampled client's traffic; docs/methodology.md):
  --radio-profile P    the radio the traffic is replayed through: ${profiles}
                       (default: ${DEFAULT_RADIO_PROFILE_ID})
  --radio-tail-ms N    the RRC inactivity timer, 0..${MAX_RADIO_TAIL_MS} ms (default: the profile's)
  --heartbeat-ms N     our servers' SSE heartbeat interval, ${MIN_HEARTBEAT_MS}..${MAX_HEARTBEAT_MS} ms (default: ${OUR_HEARTBEAT_MS});
                       below the client's --sse-idle-timeout. Not with --target
`;
}

/**
 * The flags' values. `sseIdleTimeoutMs`: the clients' idle bound, which a heartbeat must beat
 * or every idle stream is cut.
 */
export function parseEnergyFlags(
  values: FlagValues<typeof ENERGY_FLAG_SPEC>,
  context: { target: boolean; sseIdleTimeoutMs: number },
): EnergyOptions {
  const options: EnergyOptions = { ...DEFAULT_ENERGY_OPTIONS };
  const profile = values["radio-profile"];
  if (profile !== undefined) {
    const id = profile.trim().toLowerCase();
    if (!(RADIO_PROFILE_IDS as readonly string[]).includes(id)) {
      throw new UsageError(
        `--radio-profile '${profile}' is not a radio profile; give one of ${RADIO_PROFILE_IDS.join(", ")}, e.g. --radio-profile ${DEFAULT_RADIO_PROFILE_ID}.`,
      );
    }
    options.radioProfile = id as RadioProfileId;
  }
  const tail = values["radio-tail-ms"];
  if (tail !== undefined) {
    options.radioTailMs = parseIntegerFlag(tail, "--radio-tail-ms", 0, MAX_RADIO_TAIL_MS);
  }
  const heartbeat = values["heartbeat-ms"];
  if (heartbeat !== undefined) {
    if (context.target) {
      throw new UsageError(
        "--heartbeat-ms sets our servers' heartbeat, and --target measures a server of yours; drop --heartbeat-ms (set the target's own heartbeat instead).",
      );
    }
    const ms = parseIntegerFlag(heartbeat, "--heartbeat-ms", MIN_HEARTBEAT_MS, MAX_HEARTBEAT_MS);
    if (ms >= context.sseIdleTimeoutMs) {
      throw new UsageError(
        `--heartbeat-ms ${ms} is not below the clients' SSE idle bound (${context.sseIdleTimeoutMs} ms), which would cut every idle stream; give a shorter heartbeat or raise --sse-idle-timeout above it.`,
      );
    }
    options.heartbeatMs = ms;
  }
  return options;
}
