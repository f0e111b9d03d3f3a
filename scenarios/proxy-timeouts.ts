import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";

/**
 * A proxy read timeout shorter than the long-poll hold and the SSE heartbeat: nginx answers a
 * held poll with 504 and ends a quiet stream when the timeout passes, so every client is cut
 * and reconnects over and over. The cursor / Last-Event-ID make it cost requests and latency,
 * never notifications. Against a timeout longer than both, the same clients are never cut.
 * docs/methodology.md, "Proxy timeouts".
 */
export const proxyTimeouts: Scenario = defineScenario({
  id: "proxy-timeouts",
  description:
    "When nginx's read timeout (3 s) is shorter than the long-poll hold (10 s) and the SSE heartbeat (15 s), how often are clients cut, what do the reconnects cost, and is any notification lost?",
  params: {
    clients: 20,
    // Quiet: most 3 s stretches of a stream see no notification, so the timeout fires.
    ratePerSec: 0.1,
    longPollHoldMs: 10_000,
    rampMs: 1_000,
    warmupMs: 1_000,
    durationMs: 15_000,
    // A cut client waits its retry (SSE 2 s, polling backoff 1 s) before it can receive again.
    drainMs: 6_000,
  },
  strategies: ["long-polling", "sse"],
  defaultSuite: false,
  delivery: {
    path: { proxy: "nginx" },
    variants: [
      { label: "read timeout 3 s", path: { proxyReadTimeoutMs: 3_000 } },
      { label: "read timeout 60 s", path: { proxyReadTimeoutMs: 60_000 } },
    ],
  },
  quick: {
    params: {
      clients: 10,
      ratePerSec: 0.2,
      longPollHoldMs: 10_000,
      durationMs: 7_000,
      drainMs: 5_000,
    },
  },
});
