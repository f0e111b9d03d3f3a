/** instance-failover: kill -9 the last of several instances; it stays dead, its clients move. */
import { type FaultKindModule, requireFleet } from "./fault-kind-module.ts";

export const instanceFailover: FaultKindModule = {
  kind: "instance-failover",
  // The last instance dies; its clients are those that started on it (client i on i mod N).
  targetClients: (_spec, run) =>
    Array.from({ length: run.clients }, (_, i) => i).filter(
      (i) => i % run.instances === run.instances - 1,
    ),
  async inject(spec, targets) {
    const fleet = requireFleet(targets, spec.kind);
    const last = fleet.processes.length - 1;
    await fleet.killInstance(last);
    return {
      action: `kill -9 instance ${last + 1} of ${fleet.processes.length}; it stays dead and its ${targets.targeted.length} clients fail over`,
    };
  },
  expectsPublishFailures: false,
  restartsRedis: false,
  readsServerCuts: false,
};
