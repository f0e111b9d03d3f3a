/**
 * Test helper: a run's radio energy as the bench would record it, from synthetic timelines that
 * follow each strategy's rhythm (short polling: a request and an answer every interval; long
 * polling: one per notification or hold; SSE and WebSocket: one chunk per notification and per
 * heartbeat), replayed by the real model (src/energy). Deterministic.
 */
import type { TrafficBurst } from "../../energy/radio-model.ts";
import { RADIO_PROFILES } from "../../energy/radio-profiles.ts";
import { runEnergy } from "../../energy/run-energy.ts";
import type { RadioEnergy, ResolvedParams } from "../../model/results.ts";
import type { StrategyId } from "../../model/strategies.ts";

/** The fixture's servers' heartbeat: our servers' default. */
export const FIXTURE_HEARTBEAT_MS = 15_000;

/** Times of a regular rhythm every `everyMs` from `startMs`, within the window. */
function every(everyMs: number, startMs: number, windowMs: number): number[] {
  if (!(everyMs > 0)) return [];
  const out: number[] = [];
  for (let t = startMs; t < windowMs; t += everyMs) out.push(t);
  return out;
}

function timeline(strategy: StrategyId, params: ResolvedParams, offsetMs: number): TrafficBurst[] {
  const windowMs = params.durationMs;
  const notifyEveryMs = params.ratePerSec > 0 ? 1000 / params.ratePerSec : 0;
  const notifications = every(notifyEveryMs, offsetMs, windowMs);
  const answer = (atMs: number, down: number) => ({ atMs, bytesUp: 180, bytesDown: down });
  switch (strategy) {
    case "short-polling":
      return every(params.shortPollIntervalMs, offsetMs % params.shortPollIntervalMs, windowMs).map(
        (t) => answer(t, 260),
      );
    case "long-polling": {
      const waitMs =
        notifyEveryMs > 0 ? Math.min(notifyEveryMs, params.longPollHoldMs) : params.longPollHoldMs;
      return every(waitMs, offsetMs, windowMs).map((t) => answer(t, 260 + params.payloadBytes));
    }
    case "sse":
    case "websocket": {
      const beats = every(FIXTURE_HEARTBEAT_MS, offsetMs, windowMs).map((atMs) => ({
        atMs,
        bytesUp: 0,
        bytesDown: 14,
      }));
      const pushes = notifications.map((atMs) => ({
        atMs,
        bytesUp: 0,
        bytesDown: 80 + params.payloadBytes,
      }));
      return [...beats, ...pushes].sort((a, b) => a.atMs - b.atMs);
    }
  }
}

/** The energy figures of one fixture run: four sampled clients, a second apart. */
export function fixtureEnergy(
  strategy: StrategyId,
  params: ResolvedParams,
  deliveredInWindow: number,
): RadioEnergy | null {
  const clients = [0, 1, 2, 3].map((i) => ({
    clientIndex: i * Math.max(1, Math.floor(params.clients / 4)),
    bursts: timeline(strategy, params, 1000 * i + 137),
    truncated: false,
  }));
  return runEnergy(
    { fromMs: 0, toMs: params.durationMs, clients },
    {
      profile: RADIO_PROFILES.lte,
      clients: params.clients,
      deliveredInWindow,
      heartbeatMs: FIXTURE_HEARTBEAT_MS,
    },
  );
}
