/**
 * Shared numbers the built-in scenarios refer to by name. The defaults of every parameter (what
 * a scenario gets for a field it leaves out) are in the table, src/model/param-limits.ts; the
 * standard `--quick` phases are in src/model/scenario-schema.ts. Both are re-exported here under
 * the names the scenarios use.
 */
import { PARAM_LIMITS } from "../src/model/param-limits.ts";
import { STANDARD_QUICK_PARAMS } from "../src/model/scenario-schema.ts";

/** Notification `message` size: a typical push text (title + short body), in bytes. */
export const DEFAULT_PAYLOAD_BYTES = PARAM_LIMITS.payloadBytes.default;
/** ±10 % on the short-polling interval, so clients do not poll in lock-step. */
export const DEFAULT_JITTER_RATIO = PARAM_LIMITS.jitterRatio.default;
/**
 * Long-poll hold: 25 s, a common production value just under the 30 s idle timeout many
 * proxies and load balancers apply.
 */
export const DEFAULT_LONG_POLL_HOLD_MS = PARAM_LIMITS.longPollHoldMs.default;
/** A typical "near real-time" short-polling interval. */
export const DEFAULT_SHORT_POLL_INTERVAL_MS = PARAM_LIMITS.shortPollIntervalMs.default;

/**
 * Short-polling interval in `--quick`: 250 ms, so the short drain still covers the longest wait
 * (interval + 10 % jitter + a round trip).
 */
export const QUICK_SHORT_POLL_INTERVAL_MS = STANDARD_QUICK_PARAMS.shortPollIntervalMs;

/**
 * The `--quick` phases every simulated-user scenario starts from (its `quick.params` are applied
 * on top): a smoke run of the whole pipeline, not a measurement. Sized so all scenarios x all
 * strategies fit in under a minute including about 1.5 s of server start/stop per run (see
 * resolve-runs.test.ts).
 */
export const QUICK_PHASES = STANDARD_QUICK_PARAMS;
