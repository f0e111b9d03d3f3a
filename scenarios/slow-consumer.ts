import {
  FAULT_AT_MS,
  FAULT_PARAMS,
  QUICK_FAULT_AT_MS,
  QUICK_FAULT_PARAMS,
} from "./fault-defaults.ts";
import type { Scenario } from "./types.ts";

/**
 * A tenth of the SSE clients read their stream at 2 KiB/s for 10 s while 32 KiB notifications
 * keep coming (~64 KiB/s per user): their unread data piles up in the socket buffers until the
 * server's bounds cut them. SSE only: a polling client that reads slowly delays nobody but
 * itself, and the server holds nothing for it between requests.
 */
export const slowConsumer: Scenario = {
  id: "slow-consumer",
  description:
    "When a tenth of the SSE clients read very slowly, does the server keep its buffers bounded, cut them with a logged reason, let them catch up on reconnect, and keep the other clients' p99 where it was?",
  defaultSuite: false,
  strategies: ["sse"],
  params: { ...FAULT_PARAMS, clients: 100, ratePerSec: 2, payloadBytes: 32_768 },
  fault: {
    kind: "slow-consumer",
    atMs: FAULT_AT_MS,
    durationMs: 10_000,
    clientShare: 0.1,
    slowReadBytesPerSec: 2_048,
    // Tighter than the defaults so the cut happens within the slow phase on any machine.
    serverArgs: ["--sse-max-stall-ms", "2000", "--sse-max-buffered-bytes", "262144"],
  },
  quick: {
    // 64 KiB notifications so the socket buffers fill within a second or two of slow reading.
    params: {
      ...QUICK_FAULT_PARAMS,
      clients: 20,
      ratePerSec: 4,
      payloadBytes: 65_536,
      durationMs: 9_000,
    },
    fault: { atMs: QUICK_FAULT_AT_MS, durationMs: 5_000 },
  },
};
