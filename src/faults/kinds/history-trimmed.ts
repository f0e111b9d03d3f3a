/**
 * history-trimmed: a share of the clients go away for durationMs; their history is trimmed to
 * the newest `keepHistory` just before they return, so they come back behind the kept history.
 */
import { sleep } from "../../util/sleep.ts";
import { clientShare, type FaultKindModule } from "./fault-kind-module.ts";

/** Trims the away users' history this long before they come back, so the trim is in place. */
const TRIM_LEAD_MS = 300;

export const historyTrimmed: FaultKindModule = {
  kind: "history-trimmed",
  targetClients: clientShare,
  async inject(spec, targets) {
    const { source, signal } = targets;
    if (!source) {
      throw new Error(
        "history-trimmed needs the bench's own Redis to trim; it cannot run with --target",
      );
    }
    const keep = spec.keepHistory ?? 0;
    const away = targets.targeted.flatMap((i) => targets.clients[i] ?? []);
    for (const client of away) client.drop(spec.durationMs);
    await sleep(Math.max(0, spec.durationMs - TRIM_LEAD_MS), signal);
    const removed = await Promise.all(away.map((c) => source.trimHistory(c.userId, keep)));
    const total = removed.reduce((sum, n) => sum + n, 0);
    await sleep(Math.min(TRIM_LEAD_MS, spec.durationMs), signal);
    return {
      action: `${away.length} of ${targets.clients.length} clients go away for ${spec.durationMs} ms; their history is trimmed to the newest ${keep} (${total} removed) before they return`,
    };
  },
  expectsPublishFailures: false,
  restartsRedis: false,
  readsServerCuts: false,
};
