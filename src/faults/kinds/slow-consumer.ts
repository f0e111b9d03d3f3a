/**
 * slow-consumer: a share of the clients reconnect over a slow link and read at
 * `slowReadBytesPerSec` for durationMs, then at full speed. What the servers did about them
 * (streams cut and why, the largest send buffer) is read from their cut counters.
 */
import { sleep } from "../../util/sleep.ts";
import { clientShare, type FaultKindModule } from "./fault-kind-module.ts";

export const slowConsumer: FaultKindModule = {
  kind: "slow-consumer",
  targetClients: clientShare,
  async inject(spec, targets) {
    const rate = spec.slowReadBytesPerSec ?? 1;
    const slow = targets.targeted.map((i) => targets.clients[i]);
    // A slow client is a client on a slow link: it connects afresh and reads slowly from the
    // start. (A connection that was read fast before has kernel buffers auto-tuned to many
    // MB, which would hide its slowness from the server for minutes.)
    for (const client of slow) {
      client?.setReadRate(rate);
      client?.drop(0);
    }
    try {
      await sleep(spec.durationMs, targets.signal);
    } finally {
      for (const client of slow) client?.setReadRate(null);
    }
    return {
      action: `${slow.length} of ${targets.clients.length} clients reconnect over a slow link and read at ${rate} B/s for ${spec.durationMs} ms, then at full speed`,
    };
  },
  expectsPublishFailures: false,
  restartsRedis: false,
  readsServerCuts: true,
};
