/** server-restart: kill -9 the server process, start it again on the same port. */
import { everyClient, type FaultKindModule, requireFleet } from "./fault-kind-module.ts";

export const serverRestart: FaultKindModule = {
  kind: "server-restart",
  targetClients: everyClient,
  async inject(spec, targets) {
    const fleet = requireFleet(targets, spec.kind);
    const port = fleet.processes[0]?.url.port ?? "?";
    await fleet.killInstance(0);
    const { downMs } = await fleet.restartInstance(0);
    return {
      action: `kill -9 the server, start it again on port ${port}: down ${Math.round(downMs)} ms`,
    };
  },
  expectsPublishFailures: false,
  restartsRedis: false,
  readsServerCuts: false,
};
