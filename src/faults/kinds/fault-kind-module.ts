/**
 * What every fault kind provides the run: whom it targets, how it is injected, and what the
 * run must read or forgive because of it. One object per kind in ./<kind>.ts, collected in
 * ./index.ts. The kind's data facts (duration, fields, --target) are FAULT_KIND_FACTS in
 * src/model/fault-kinds.ts, where the planner and --target can read them.
 */

import type { ServerFleet } from "../../fleet/server-fleet.ts";
import type { FaultKind } from "../../model/fault-kinds.ts";
import type { FaultSpec, ScenarioParams } from "../../model/scenario.ts";
import type { NotificationSource } from "../../notifications/types.ts";
import type { RedisHandle } from "../../redis/managed-redis.ts";

/** What the injector needs of a simulated client. */
export interface FaultableClient {
  readonly userId: string;
  drop(reconnectAfterMs: number): void;
  setReadRate(bytesPerSec: number | null): void;
}

/** What a fault acts on, resolved when it is injected. */
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

/** The shape of the run a fault is aimed into. */
export type RunShape = Pick<ScenarioParams, "clients" | "instances">;

export interface FaultKindModule {
  readonly kind: FaultKind;
  /** Indexes of the clients the fault is aimed at: every client for server-wide faults. */
  targetClients(spec: FaultSpec, run: RunShape): number[];
  /**
   * Does the fault to real parts and resolves once it is over (the recovery is the tracker's
   * business): the restarted server is healthy, Redis answers again, the slow phase or the
   * time away has passed.
   * @throws Error naming what could not be done (e.g. no managed Redis to stop).
   */
  inject(spec: FaultSpec, targets: FaultTargets): Promise<InjectedFault>;
  /** Publishes refused while the fault lasts are the fault itself, not bad input. */
  readonly expectsPublishFailures: boolean;
  /**
   * Redis is restarted inside the window, and its INFO counters with it: the window's Redis
   * cost is then not reported (a warning) instead of failing the run.
   */
  readonly restartsRedis: boolean;
  /** The servers' SSE cut counters are read after the drain and reported in the fault result. */
  readonly readsServerCuts: boolean;
}

/** Targeting of a server-wide fault: every client. */
export function everyClient(_spec: FaultSpec, run: RunShape): number[] {
  return targetedClientIndexes(run.clients, undefined);
}

/** Targeting by `clientShare`: an evenly spread share of the clients. */
export function clientShare(spec: FaultSpec, run: RunShape): number[] {
  return targetedClientIndexes(run.clients, spec.clientShare);
}

/** Which clients (by index) a fault with `clientShare` targets: evenly spread, deterministic. */
export function targetedClientIndexes(clients: number, share: number | undefined): number[] {
  const count = share === undefined ? clients : Math.max(1, Math.round(share * clients));
  const indexes: number[] = [];
  for (let k = 0; k < count; k++) indexes.push(Math.floor((k * clients) / count));
  return indexes;
}

/** The fleet of our own server processes, or an Error saying the kind cannot run without it. */
export function requireFleet(targets: FaultTargets, kind: FaultKind): ServerFleet {
  if (!targets.fleet) {
    throw new Error(`${kind} needs server processes the bench owns; it cannot run with --target`);
  }
  return targets.fleet;
}
