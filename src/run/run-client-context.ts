/**
 * Where the clients' receipts and connection events go: the ledger and the fault tracker.
 * One function for the rig, the driver workers and the tests that drive real clients.
 */

import type { ClientBounds } from "../driver/clients/client-bounds.ts";
import {
  type ClientContext,
  type ClientStats,
  countError,
  type Endpoint,
} from "../driver/clients/client-context.ts";
import type { Clock } from "../driver/clock.ts";
import type { H2SessionPool } from "../driver/h2-transport.ts";
import type { Ledger } from "../driver/ledger.ts";
import { createCountedHttpsAgent } from "../driver/tls-agent.ts";
import type { TransportStats } from "../driver/transport-stats.ts";
import type { WireCounter } from "../driver/wire-counter.ts";
import type { FaultTracker } from "../faults/fault-tracker.ts";
import { extractReceipt } from "../target/receipt.ts";

/** The reason counted once per received batch that held notifications without the marker. */
export const UNMARKED_REASON = "notification without the driver's marker";

/**
 * Where the clients' receipts and connection events go: the ledger and the fault tracker.
 * Exported for the tests that drive real clients the way a run does.
 */
export function runClientContext(deps: {
  endpoints: Endpoint[];
  bounds: ClientBounds;
  wire: WireCounter;
  stats: ClientStats;
  clock: Clock;
  ledger: Ledger;
  receipts: { unrecognized: number };
  tracker: FaultTracker | undefined;
  /** TLS (and HTTP/2) to the proxy; null or absent = plain HTTP/1.1. */
  transport?: {
    stats: TransportStats;
    ca: string;
    resumption: boolean;
    h2Pool: H2SessionPool | null;
  } | null;
}): ClientContext {
  const { wire, stats, clock, ledger, receipts, tracker } = deps;
  const transport = deps.transport ?? null;
  const h2Pool = transport?.h2Pool ?? null;
  return {
    endpoints: deps.endpoints,
    createAgent: () =>
      transport === null
        ? wire.createAgent({ keepAlive: true, maxFreeSockets: 1 })
        : createCountedHttpsAgent(wire, transport.stats, {
            keepAlive: true,
            maxFreeSockets: 1,
            ca: transport.ca,
            resumption: transport.resumption,
          }),
    // HTTP/2: every client's polls and streams on the run's few shared sessions.
    ...(h2Pool
      ? { sendRequest: (url, options) => h2Pool.request(url, options.headers).asClientRequest() }
      : {}),
    stats,
    bounds: deps.bounds,
    onNotifications(userId, notifications) {
      const receivedAtUs = clock.nowUs();
      let unmarked = 0;
      for (const item of notifications) {
        // The driver's own marker (seq, intended send time, user) travels in the payload, so
        // the ledger works the same for our servers and for any server that passes it through.
        const receipt = extractReceipt(item);
        if (receipt === null) {
          receipts.unrecognized += 1;
          unmarked += 1;
          continue;
        }
        if (receipt.userId !== userId) stats.foreignNotifications += 1;
        ledger.recordReceived(userId, receipt.seq, receipt.intendedAtUs, receivedAtUs);
        tracker?.received(userId, receipt.seq, receipt.intendedAtUs, receivedAtUs);
      }
      if (unmarked > 0) countError(stats, UNMARKED_REASON);
    },
    onReset(userId) {
      ledger.recordReset(userId);
      tracker?.reset(userId, clock.nowUs());
    },
    onConnected(userId) {
      tracker?.connected(userId, clock.nowUs());
    },
    onDisrupted(userId) {
      tracker?.disrupted(userId, clock.nowUs());
    },
  };
}
