import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";

/**
 * Many users' streams and polls over TLS to one nginx: one TCP + TLS connection per user over
 * HTTP/1.1, or all of them multiplexed as streams on a few HTTP/2 sessions (at most 100
 * streams each). What that changes in connections, memory and latency. What it does not show
 * (one machine, one driver standing in for many browsers): docs/methodology.md, "HTTP/2".
 */
export const h2Multiplex: Scenario = defineScenario({
  id: "h2-multiplex",
  description:
    "With 300 users behind TLS, what do HTTP/2 streams multiplexed on a few sessions change against one HTTP/1.1 connection per user: connections, memory, latency?",
  params: {
    clients: 300,
    ratePerSec: 0.2,
    rampMs: 2_000,
    warmupMs: 2_000,
    durationMs: 12_000,
    drainMs: 2_000,
  },
  defaultSuite: false,
  delivery: {
    path: { proxy: "nginx", tls: true },
    variants: [
      { label: "HTTP/1.1", path: { http2: false } },
      { label: "HTTP/2", path: { http2: true } },
    ],
  },
  quick: {
    // Over 100, so HTTP/2 needs two sessions.
    params: { clients: 120, ratePerSec: 1, rampMs: 500, durationMs: 2_000 },
  },
});
