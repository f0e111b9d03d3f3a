import type { Scenario } from "../src/model/scenario.ts";
import { defineScenario } from "./define-scenario.ts";
import {
  FAULT_AT_MS,
  FAULT_PARAMS,
  QUICK_FAULT_AT_MS,
  QUICK_FAULT_PARAMS,
} from "./fault-defaults.ts";

/**
 * A fifth of the SSE clients reconnect over a slow link and read at 2 KiB/s while 64 KiB
 * notifications keep coming at 16 per second per user (~1 MiB/s). The volume is what it takes
 * on loopback: the kernel absorbs about 4 MiB per connection (send buffers auto-tune up to
 * net.ipv4.tcp_wmem's maximum) before the server's own buffer grows at all, so a gentler
 * workload would never reach the server's bounds. History is shortened to 300 entries to keep
 * Redis memory sane (300 x 64 KiB per user), still covering the slow clients' ~200-entry lag.
 * The push strategies only (SSE, and WebSocket when chosen: the same bounds on its
 * bufferedAmount): a polling client that reads slowly delays nobody but itself, and the server
 * holds nothing for it between requests.
 */
export const slowConsumer: Scenario = defineScenario({
  id: "slow-consumer",
  description:
    "When a fifth of the push (SSE, WebSocket) clients read very slowly, does the server keep its buffers bounded, cut them with a logged reason, let them catch up on reconnect, and keep the other clients' p99 where it was?",
  defaultSuite: false,
  strategies: ["sse", "websocket"],
  params: { ...FAULT_PARAMS, clients: 10, ratePerSec: 16, payloadBytes: 65_536 },
  fault: {
    kind: "slow-consumer",
    atMs: FAULT_AT_MS,
    durationMs: 10_000,
    clientShare: 0.2,
    slowReadBytesPerSec: 2_048,
    historyMaxLen: 300,
    // Tighter than the defaults so the cut happens within the slow phase on any machine.
    serverArgs: ["--sse-max-stall-ms", "2000", "--sse-max-buffered-bytes", "262144"],
  },
  quick: {
    params: {
      ...QUICK_FAULT_PARAMS,
      clients: 10,
      ratePerSec: 16,
      payloadBytes: 65_536,
      durationMs: 11_000,
    },
    fault: { atMs: QUICK_FAULT_AT_MS, durationMs: 8_000 },
  },
});
