/**
 * Shared scenario defaults: one place for the numbers every scenario starts from, and for the
 * `--quick` form. Scenarios spread these and override what their question is about.
 */
import type { ScenarioParams } from "../src/model/scenario.ts";

/** Notification `message` size: a typical push text (title + short body), in bytes. */
export const DEFAULT_PAYLOAD_BYTES = 200;
/** ±10 % on the short-polling interval, so clients do not poll in lock-step. */
export const DEFAULT_JITTER_RATIO = 0.1;
/**
 * Long-poll hold: 25 s, a common production value just under the 30 s idle timeout many
 * proxies and load balancers apply.
 */
export const DEFAULT_LONG_POLL_HOLD_MS = 25_000;
/** A typical "near real-time" short-polling interval. */
export const DEFAULT_SHORT_POLL_INTERVAL_MS = 1_000;

/** Fields most scenarios share; each scenario sets the rest. */
export const BASE_PARAMS = {
  publishModel: "poisson",
  fanout: "per-user",
  shortPollIntervalMs: DEFAULT_SHORT_POLL_INTERVAL_MS,
  jitterRatio: DEFAULT_JITTER_RATIO,
  longPollHoldMs: DEFAULT_LONG_POLL_HOLD_MS,
  payloadBytes: DEFAULT_PAYLOAD_BYTES,
  instances: 1,
} as const satisfies Partial<ScenarioParams>;

/**
 * Short-polling interval in `--quick`: 250 ms, so the short drain below still covers the
 * longest wait (interval + 10 % jitter + a round trip).
 */
export const QUICK_SHORT_POLL_INTERVAL_MS = 250;

/**
 * The `--quick` phases, applied to every scenario: a smoke run of the whole pipeline, not a
 * measurement. Sized so all scenarios x all strategies fit in under a minute including about
 * 1.5 s of server start/stop per run (see resolve-runs.test.ts).
 */
export const QUICK_PHASES = {
  clients: 20,
  rampMs: 100,
  warmupMs: 100,
  durationMs: 1_000,
  drainMs: 350,
  shortPollIntervalMs: QUICK_SHORT_POLL_INTERVAL_MS,
  longPollHoldMs: 1_000,
} as const satisfies Partial<ScenarioParams>;
