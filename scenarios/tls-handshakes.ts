import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";

/**
 * Short polling at an interval beyond the keep-alive timeout (5 s, Node's own default, set on
 * nginx here) reconnects for every poll, and over TLS each reconnect is a handshake: full
 * without session resumption, abbreviated with it. Long polling and SSE keep their connection
 * and pay one handshake per client. docs/methodology.md, "TLS handshakes".
 */
export const tlsHandshakes: Scenario = defineScenario({
  id: "tls-handshakes",
  description:
    "Polling every 6 s through TLS with a 5 s keep-alive, how many handshakes and how much CPU does each delivered notification cost, with and without TLS session resumption?",
  params: {
    clients: 50,
    ratePerSec: 0.2,
    shortPollIntervalMs: 6_000,
    jitterRatio: 0.1,
    rampMs: 2_000,
    warmupMs: 2_000,
    durationMs: 24_000,
    drainMs: 7_000,
  },
  defaultSuite: false,
  delivery: {
    path: { proxy: "nginx", tls: true, clientKeepAliveTimeoutMs: 5_000 },
    variants: [
      { label: "resumption on", path: { tlsResumption: true } },
      { label: "resumption off", path: { tlsResumption: false } },
    ],
  },
  quick: {
    params: {
      clients: 10,
      ratePerSec: 0.5,
      shortPollIntervalMs: 6_000,
      longPollHoldMs: 5_000,
      rampMs: 500,
      warmupMs: 500,
      durationMs: 13_000,
      drainMs: 7_000,
    },
  },
});
