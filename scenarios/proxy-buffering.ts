import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";

/**
 * The most reported SSE failure behind a proxy, on purpose: nginx as it ships for proxying
 * (proxy_buffering on, HTTP/1.0 to the upstream) and not honouring the servers'
 * `X-Accel-Buffering: no` holds a stream's events until a buffer (4 KiB) fills; the same nginx
 * with buffering off passes each event at once. Long polling answers whole responses, so the
 * buffer only ever holds complete answers. docs/methodology.md, "Proxy buffering".
 */
export const proxyBuffering: Scenario = defineScenario({
  id: "proxy-buffering",
  description:
    "Behind an nginx that buffers (its shipped defaults, X-Accel-Buffering ignored) versus one with buffering off, when do SSE and long-polling notifications arrive, and do they arrive at all?",
  params: {
    clients: 20,
    // ~750-byte events at 2/s per user: a 4 KiB buffer fills every ~3 s per stream.
    ratePerSec: 2,
    payloadBytes: 512,
    rampMs: 1_000,
    warmupMs: 2_000,
    durationMs: 10_000,
    // What a buffer still holds when publishing stops never arrives: the drain is bounded.
    drainMs: 3_000,
  },
  strategies: ["sse", "long-polling"],
  defaultSuite: false,
  delivery: {
    path: { proxy: "nginx" },
    variants: [
      {
        label: "buffering on",
        path: { proxyBuffering: true, honourAccelBuffering: false, upstreamKeepAlive: false },
      },
      { label: "buffering off", path: { proxyBuffering: false } },
    ],
  },
  quick: {
    params: { clients: 10, warmupMs: 1_000, durationMs: 4_000, drainMs: 2_000 },
  },
});
