/**
 * Injects one fault into a running bench run and resolves when the fault itself is over (the
 * recovery is the tracker's business). Every fault is done to real parts: kill -9 of a real
 * server process, a real Redis shut down and started again with its data, real sockets torn
 * down, real history trimmed.
 */

import { createRng } from "../driver/publish-schedule.ts";
import type { ServerFleet } from "../fleet/server-fleet.ts";
import type { FaultSpec } from "../model/scenario.ts";
import type { NotificationSource } from "../notifications/types.ts";
import type { RedisHandle } from "../redis/managed-redis.ts";
import { sleep } from "../util/sleep.ts";

/** What the injector needs of a simulated client. */
export interface FaultableClient {
  readonly userId: string;
  drop(reconnectAfterMs: number): void;
  setReadRate(bytesPerSec: number | null): void;
}

export interface FaultTargets {
  fleet: ServerFleet | null;
  redis: RedisHandle | null;
  source: NotificationSource | null;
  clients: readonly FaultableClient[];
  /** Indexes into `clients` the fault is aimed at (all of them for server-wide faults). */
  targeted: readonly number[];
  signal: AbortSignal;
}

export interface InjectedFault {
  /** One sentence with the numbers, for the results. */
  action: string;
}

/** Seed of the storm's reconnect spread, fixed so every strategy gets the same storm. */
const STORM_SEED = 0x5707;

/** Trims the away users' history this long before they come back, so the trim is in place. */
const TRIM_LEAD_MS = 300;

/**
 * Does the fault and resolves once it is over: the restarted server is healthy, Redis answers
 * again, every storm reconnect is scheduled and due, the slow phase or the time away has passed.
 * @throws Error naming what could not be done (e.g. no managed Redis to stop).
 */
export async function injectFault(spec: FaultSpec, targets: FaultTargets): Promise<InjectedFault> {
  const { signal } = targets;
  switch (spec.kind) {
    case "server-restart": {
      const fleet = requireFleet(targets, spec.kind);
      const port = fleet.processes[0]?.url.port ?? "?";
      await fleet.killInstance(0);
      const { downMs } = await fleet.restartInstance(0);
      return {
        action: `kill -9 the server, start it again on port ${port}: down ${Math.round(downMs)} ms`,
      };
    }
    case "instance-failover": {
      const fleet = requireFleet(targets, spec.kind);
      const last = fleet.processes.length - 1;
      await fleet.killInstance(last);
      return {
        action: `kill -9 instance ${last + 1} of ${fleet.processes.length}; it stays dead and its ${targets.targeted.length} clients fail over`,
      };
    }
    case "redis-blip": {
      const blip = targets.redis?.blip;
      if (!targets.redis || !blip) {
        throw new Error(
          "redis-blip needs the Redis the bench manages (it is shut down and started again); unset REDIS_URL / --redis-url to run it",
        );
      }
      const { downMs } = await blip.call(targets.redis, spec.durationMs);
      return {
        action: `SHUTDOWN SAVE Redis, start it again on the same port with its data: unreachable ${Math.round(downMs)} ms`,
      };
    }
    case "reconnect-storm": {
      const random = createRng(STORM_SEED);
      for (const index of targets.targeted) {
        targets.clients[index]?.drop(Math.floor(random() * spec.durationMs));
      }
      await sleep(spec.durationMs, signal);
      return {
        action: `drop all ${targets.targeted.length} connections at once; each reconnects within ${spec.durationMs} ms`,
      };
    }
    case "slow-consumer": {
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
        await sleep(spec.durationMs, signal);
      } finally {
        for (const client of slow) client?.setReadRate(null);
      }
      return {
        action: `${slow.length} of ${targets.clients.length} clients reconnect over a slow link and read at ${rate} B/s for ${spec.durationMs} ms, then at full speed`,
      };
    }
    case "history-trimmed": {
      const source = targets.source;
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
    }
  }
}

function requireFleet(targets: FaultTargets, kind: string): ServerFleet {
  if (!targets.fleet) {
    throw new Error(`${kind} needs server processes the bench owns; it cannot run with --target`);
  }
  return targets.fleet;
}
