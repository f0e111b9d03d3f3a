/**
 * The phases before publishing starts, each returning what it measured as a plain snapshot:
 *
 *   warm the servers' route -> baseline (RSS before any client) -> ramp (connect the clients)
 */

import type { ClientContext } from "../driver/clients/client-context.ts";
import { createClient } from "../driver/clients/create-client.ts";
import type { ScenarioParams } from "../model/scenario.ts";
import type { StrategyId } from "../model/strategies.ts";
import { CONNECT_GRACE_MS } from "./client-side.ts";
import type { Rig } from "./rig.ts";
import type { RunProgress } from "./run-progress.ts";
import type { BaselineSnapshot, RampSnapshot } from "./snapshots.ts";

/** Throwaway users that warm the server's delivery route before the RSS baseline. */
export const SERVER_WARMUP_USERS = 20;

/**
 * Exercises the strategy's route once per warm-up user on every instance, so RSS growth from
 * first-request JIT and lazy initialisation is not charged to the connections.
 */
export async function warmUpServers(rig: Rig): Promise<void> {
  if (rig.fleet === null) return;
  const { strategy, params } = rig.planned;
  // Behind a proxy the warm-up goes straight to each instance over plain HTTP/1.1: it warms
  // the servers, whatever the proxy does (a buffering nginx would hold an SSE warm-up forever).
  const ctx: ClientContext =
    rig.proxy === null
      ? rig.clientContext
      : {
          ...withoutSendRequest(rig.clientContext),
          endpoints: rig.fleet.processes.map((p) => ({ kind: "server", baseUrl: p.url })),
          createAgent: () => rig.wire.createAgent({ keepAlive: true, maxFreeSockets: 1 }),
        };
  for (const [i] of rig.fleet.processes.entries()) {
    await warmUpServer(strategy, ctx, i, params, rig.signal);
  }
}

function withoutSendRequest(ctx: ClientContext): ClientContext {
  const { sendRequest: _transport, ...rest } = ctx;
  return rest;
}

async function warmUpServer(
  strategy: StrategyId,
  ctx: ClientContext,
  endpointIndex: number,
  params: ScenarioParams,
  signal: AbortSignal,
): Promise<void> {
  // Throwaway users, and no hooks: the warm-up is not part of any run's figures.
  const quiet: ClientContext = {
    ...ctx,
    onNotifications: () => {},
    onReset: () => {},
    onConnected: () => {},
    onDisrupted: () => {},
  };
  for (let i = 0; i < SERVER_WARMUP_USERS; i++) {
    signal.throwIfAborted();
    const client = createClient(strategy, quiet, `warmup-${i + 1}`, params, endpointIndex);
    await client.start();
    client.stop();
  }
}

/** Before any client connects: the per-connection costs are growth over these. */
export async function takeBaseline(rig: Rig): Promise<BaselineSnapshot> {
  const server = (await rig.sampledServers?.readTotals()) ?? null;
  return { server, driverRssBytes: await rig.clientSide.driverRssBytes() };
}

/** Connects the clients evenly over rampMs; connected = first answer / first SSE event. */
export async function rampUp(rig: Rig, progress: RunProgress): Promise<RampSnapshot> {
  const { params } = rig.planned;
  const clients = rig.clientSide;
  progress.report("connecting", 0);
  const progressTimer = setInterval(() => {
    progress.connected = clients.live().connected;
    progress.report("connecting", 0);
  }, 500);
  const { connected, allConnected } = await clients
    .startClients(params.rampMs, rig.signal)
    .finally(() => clearInterval(progressTimer));
  progress.connected = connected;
  const server = (await rig.sampledServers?.readTotals()) ?? null;
  const notes: string[] = [];
  const openConnectionsGauges =
    (await rig.sampledServers?.readGauge(
      "pvp_open_connections",
      "once clients connected",
      notes,
    )) ?? null;
  return {
    clients: params.clients,
    connected,
    allConnected,
    graceMs: CONNECT_GRACE_MS,
    server,
    openConnectionsGauges,
    ...(rig.fleet === null && server !== null ? { externalServer: true } : {}),
    driverRssBytes: await clients.driverRssBytes(),
    notes,
  };
}
