/** reconnect-storm: drop every connection at once; each client reconnects within durationMs. */
import { createRng } from "../../driver/publish-schedule.ts";
import { sleep } from "../../util/sleep.ts";
import { everyClient, type FaultKindModule } from "./fault-kind-module.ts";

/** Seed of the storm's reconnect spread, fixed so every strategy gets the same storm. */
const STORM_SEED = 0x5707;

export const reconnectStorm: FaultKindModule = {
  kind: "reconnect-storm",
  targetClients: everyClient,
  async inject(spec, targets) {
    const random = createRng(STORM_SEED);
    for (const index of targets.targeted) {
      targets.clients[index]?.drop(Math.floor(random() * spec.durationMs));
    }
    await sleep(spec.durationMs, targets.signal);
    return {
      action: `drop all ${targets.targeted.length} connections at once; each reconnects within ${spec.durationMs} ms`,
    };
  },
  expectsPublishFailures: false,
  restartsRedis: false,
  readsServerCuts: false,
};
