/**
 * One run: one scenario step against one strategy, from a fresh server process to a RunResult.
 *
 *   start server -> connect clients (ramp) -> publish: warm-up (discarded) -> measured window
 *   -> stop publishing -> drain (bounded) -> stop clients and server -> result
 *
 * Counters are snapshotted at the window's edges so requests, bytes and CPU describe the
 * window only; the ledger spans the whole run so every published seq is accounted for.
 */

import type { BenchOptions } from "../cli/bench-options.ts";
import {
  type ClientContext,
  createClientStats,
  type Endpoint,
} from "../driver/clients/client-context.ts";
import { createClient } from "../driver/clients/create-client.ts";
import { monotonicClock } from "../driver/clock.ts";
import { LatencyRecorder } from "../driver/latency-recorder.ts";
import { Ledger } from "../driver/ledger.ts";
import { createPublishSchedule, createRng } from "../driver/publish-schedule.ts";
import { startPublisher } from "../driver/publisher.ts";
import { diffWire, WireCounter } from "../driver/wire-counter.ts";
import { FaultRun } from "../faults/fault-run.ts";
import { bufferBoundFromArgs, readServerCutStats } from "../faults/server-cut-stats.ts";
import {
  METRICS_SCRAPE_TIMEOUT_MS,
  REDIS_CONNECTIONS_PER_SERVER,
  type ServerFleet,
  startServerFleet,
  toInstanceCosts,
} from "../fleet/server-fleet.ts";
import { judgeDriverHealth, startSelfCheck } from "../metrics/driver-self-check.ts";
import { diffRedisInfo, readRedisInfo } from "../metrics/redis-info.ts";
import type { RunResult } from "../model/results.ts";
import { openNotificationSource } from "../notifications/notification-source.ts";
import type { NotificationSource } from "../notifications/types.ts";
import type { PlannedRun } from "../plan/resolve-runs.ts";
import { errorRateAbortReason } from "../plan/safety.ts";
import { targetedClientIndexes } from "../plan/validate-fault.ts";
import type { RedisHandle } from "../redis/managed-redis.ts";
import { createHttpPublisher } from "../target/http-publisher.ts";
import { extractReceipt } from "../target/receipt.ts";
import type { ProgressState } from "../util/progress.ts";
import { settlesWithin, sleep } from "../util/sleep.ts";

/** Seed of the publisher's user choice, fixed so every strategy gets the same sequence. */
export const USER_CHOICE_SEED = 0xc0ffee; // distinct from the schedule's seed, so gaps and users are independent

/** Time allowed for all clients to connect after the ramp has started the last one. */
export const CONNECT_GRACE_MS = 15_000;

/** An external server to measure (`--target`). */
export type BenchTarget = NonNullable<BenchOptions["target"]>;

export interface RunOneOptions {
  planned: PlannedRun;
  /** The bench's Redis; null with `--target` (the external server has its own store). */
  redis: RedisHandle | null;
  /** An external server to measure instead of spawning ours (`--target`); null otherwise. */
  target: BenchTarget | null;
  /** Unique per run so runs never see each other's streams. */
  keyPrefix: string;
  signal: AbortSignal;
  onProgress(update: Pick<ProgressState, "phase" | "connected" | "delivered">): void;
}

export async function runOne(options: RunOneOptions): Promise<RunResult> {
  const { planned, signal, target } = options;
  const params = planned.params;
  const fault = planned.fault;
  const clock = monotonicClock;
  const startedAt = new Date().toISOString();
  const warnings: string[] = [...planned.warnings];
  const invalidReasons: string[] = [];

  options.onProgress({ phase: "starting", connected: 0, delivered: 0 });
  // Ours: fresh server processes and the shared source. External: the target's URL templates,
  // publishes over HTTP, and no server or Redis of ours to measure.
  let fleet: ServerFleet | null = null;
  let source: NotificationSource | null = null;
  let publishOverHttp: ReturnType<typeof createHttpPublisher> | null = null;
  const redisUrl = options.redis?.url ?? null;
  if (target === null) {
    if (redisUrl === null) throw new Error("runOne needs a Redis unless it measures a --target");
    fleet = await startServerFleet({
      strategy: planned.strategy,
      instances: params.instances,
      redisUrl,
      keyPrefix: options.keyPrefix,
      extraArgs: fault?.serverArgs ?? [],
    });
    source = await openNotificationSource({
      redisUrl,
      keyPrefix: options.keyPrefix,
      ...(fault?.historyMaxLen !== undefined ? { historyMaxLen: fault.historyMaxLen } : {}),
    }).catch(async (error: unknown) => {
      await fleet?.stop();
      throw error;
    });
  } else {
    publishOverHttp = createHttpPublisher({ template: target.publish });
  }
  const selfCheck = startSelfCheck();
  const wire = new WireCounter();
  const stats = createClientStats();
  const recorder = new LatencyRecorder();
  const ledger = new Ledger(recorder);
  // An external server keeps its history across runs: user ids unique to this run keep an
  // earlier run's notifications out of this one's ledger.
  const userPrefix = target === null ? "user" : `pvp-${options.keyPrefix.replace(/\W+/g, "")}`;
  const userIds = Array.from({ length: params.clients }, (_, i) => `${userPrefix}-${i + 1}`);
  const targetedIndexes = fault
    ? fault.kind === "instance-failover"
      ? // The last instance dies; its clients are those that started on it.
        userIds.map((_, i) => i).filter((i) => i % params.instances === params.instances - 1)
      : targetedClientIndexes(params.clients, fault.clientShare)
    : [];
  let publisher: ReturnType<typeof startPublisher> | undefined;
  const faultRun = fault
    ? new FaultRun({
        spec: fault,
        clock,
        targetedUserIds: targetedIndexes.map((i) => userIds[i] as string),
        totalClients: params.clients,
        readCounters: () => {
          const w = wire.snapshot();
          return {
            requests: stats.requests,
            bytes: w.bytesSent + w.bytesReceived,
            errors: stats.errors,
            publishFailures: publisher?.stats().errors ?? 0,
            resets: stats.resets,
          };
        },
        targets: () => ({
          fleet,
          redis: options.redis,
          source,
          clients,
          targeted: targetedIndexes,
          signal,
        }),
      })
    : null;
  const tracker = faultRun?.tracker;
  let unrecognized = 0;
  const endpoints: Endpoint[] =
    fleet === null
      ? [{ kind: "template", subscribe: (target as BenchTarget).subscribe }]
      : fleet.processes.map((p) => ({ kind: "server", baseUrl: p.url }));
  const ctx: ClientContext = {
    endpoints,
    createAgent: () => wire.createAgent({ keepAlive: true, maxFreeSockets: 1 }),
    stats,
    onNotifications(userId, notifications) {
      const receivedAtUs = clock.nowUs();
      for (const item of notifications) {
        // The driver's own marker (seq, intended send time, user) travels in the payload, so
        // the ledger works the same for our servers and for any server that passes it through.
        const receipt = extractReceipt(item);
        if (receipt === null) {
          unrecognized += 1;
          continue;
        }
        if (receipt.userId !== userId) stats.foreignNotifications += 1;
        ledger.recordReceived(userId, receipt.seq, receipt.intendedAtUs, receivedAtUs);
        tracker?.received(userId, receipt.seq, receipt.intendedAtUs, receivedAtUs);
      }
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
  const clients = userIds.map((userId, i) =>
    createClient(planned.strategy, ctx, userId, params, i),
  );

  try {
    // Exercise the strategy's route once per warm-up user before the baseline, so RSS growth
    // from first-request JIT and lazy initialisation is not charged to the connections.
    if (fleet !== null) {
      for (const [i] of fleet.processes.entries()) {
        await warmUpServer(planned.strategy, ctx, i, params, signal);
      }
    }
    // Baselines before any client connects: the per-connection costs are growth over these.
    const serverBefore = await fleet?.readTotals();
    const driverRssBeforeBytes = process.memoryUsage().rss;

    // Ramp: connects spread evenly over rampMs; connected = first answer / first SSE event.
    options.onProgress({ phase: "connecting", connected: 0, delivered: 0 });
    let connected = 0;
    const connections: Promise<void>[] = [];
    const progressTimer = setInterval(
      () => options.onProgress({ phase: "connecting", connected, delivered: 0 }),
      500,
    );
    try {
      await rampClients(clients.length, params.rampMs, signal, (i) => {
        const client = clients[i];
        if (!client) return;
        connections.push(
          client.start().then(() => {
            connected += 1;
          }),
        );
      });
    } catch (error) {
      clearInterval(progressTimer);
      throw error;
    }
    const allConnected = await settlesWithin(
      Promise.all(connections),
      CONNECT_GRACE_MS,
      signal,
    ).finally(() => clearInterval(progressTimer));
    if (!allConnected) {
      invalidReasons.push(
        `only ${connected} of ${params.clients} clients connected within ${CONNECT_GRACE_MS} ms after the ramp`,
      );
    }
    const serverConnected = await fleet?.readTotals();
    const openGauges = await fleet?.readGauge(
      "pvp_open_connections",
      "once clients connected",
      warnings,
    );
    // The server's own gauge; when a saturated server cannot answer /metrics, its TCP
    // connections from /proc (minus its two Redis connections) stand in.
    const serverOpenConnections =
      openGauges?.reduce((sum, n) => sum + n, 0) ??
      Math.max(
        0,
        (serverConnected?.openSockets ?? 0) - REDIS_CONNECTIONS_PER_SERVER * params.instances,
      );
    const driverRssConnectedBytes = process.memoryUsage().rss;

    // Publishing: one open-model schedule over warm-up + window.
    const startUs = clock.nowUs();
    const totalRatePerSec =
      params.fanout === "per-user" ? params.ratePerSec * params.clients : params.ratePerSec;
    publisher = startPublisher({
      publish: (userId, payload) =>
        source
          ? source.publish(userId, payload)
          : (publishOverHttp?.publish(userId, payload) ?? Promise.resolve()),
      userIds,
      fanout: params.fanout,
      userChoice: params.publishModel === "poisson" ? "random" : "round-robin",
      random: createRng(USER_CHOICE_SEED),
      schedule: createPublishSchedule({
        ratePerSec: totalRatePerSec,
        model: params.publishModel,
        startUs,
        endUs: startUs + (params.warmupMs + params.durationMs) * 1000,
      }),
      clock,
      payloadBytes: params.payloadBytes,
      onPublished: (userId, seq, intendedAtUs) => {
        ledger.recordPublished(userId, seq, intendedAtUs);
        tracker?.published(userId, seq, intendedAtUs);
      },
    });

    options.onProgress({ phase: "warm-up", connected, delivered: 0 });
    await sleep(params.warmupMs, signal);

    // Measured window.
    const redisBefore = redisUrl && fleet ? await readRedisInfo(redisUrl) : null;
    ledger.startWindow();
    await fleet?.markWindow();
    selfCheck.mark();
    const wireStart = wire.snapshot();
    const statsStart = { ...stats };
    const windowStartMs = performance.now();
    const deliveredSoFar = (): number => ledger.summary().delivered;
    // A failing server measures nothing: past the error-rate bound the window ends early and
    // the run is recorded invalid, and the bench goes on to the next run. Not in fault runs:
    // errors are what a fault causes, and its window is bounded anyway.
    const windowAbort = new AbortController();
    let abortReason: string | null = null;
    const windowTimer = setInterval(() => {
      options.onProgress({
        phase: "measuring",
        connected,
        delivered: deliveredSoFar(),
      });
      if (fault) return;
      abortReason ??= errorRateAbortReason(
        stats.requests - statsStart.requests,
        stats.errors - statsStart.errors,
      );
      if (abortReason !== null) windowAbort.abort(new Error(abortReason));
    }, 1000);
    options.onProgress({ phase: "measuring", connected, delivered: deliveredSoFar() });
    faultRun?.startWindow(signal);
    try {
      await sleep(params.durationMs, AbortSignal.any([signal, windowAbort.signal]));
      // A fault that outlasts the window (a slow restart) ends it.
      await faultRun?.waitForFault();
    } catch (error) {
      if (signal.aborted || abortReason === null) throw error;
      invalidReasons.push(abortReason);
    } finally {
      clearInterval(windowTimer);
    }
    ledger.endWindow();
    faultRun?.markWindowEnd();
    const measuredMs = performance.now() - windowStartMs;
    const wireWindow = diffWire(wireStart, wire.snapshot());
    const statsEnd = { ...stats };
    const fleetWindow = await fleet?.stopWindow();
    const serverWindow = fleetWindow?.total;
    const driverWindow = selfCheck.stop();
    const redisAfter = redisUrl && fleet ? await readRedisInfo(redisUrl) : null;
    const lagGauges = await fleet?.readGauge(
      "nodejs_eventloop_lag_p99_seconds",
      "at the end of the window",
      warnings,
    );

    // Stop publishing, then drain: wait (bounded) until every published seq has arrived.
    options.onProgress({ phase: "draining", connected, delivered: deliveredSoFar() });
    const publisherStats = await publisher.stop();
    const drainStartMs = performance.now();
    while (!ledger.allDelivered() && performance.now() - drainStartMs < params.drainMs) {
      await sleep(20, signal);
    }
    const drainedMs = performance.now() - drainStartMs;

    // Results.
    const delivery = ledger.summary();
    const latency = recorder.summary();
    const requests = statsEnd.requests - statsStart.requests;
    const bytes = wireWindow.bytesSent + wireWindow.bytesReceived;
    const inWindow = delivery.deliveredInWindow;
    const windowMinutes = measuredMs / 60_000;
    const cutStats =
      fault?.kind === "slow-consumer" && fleet
        ? await readServerCutStats(
            fleet.processes.map((p) => p.url),
            METRICS_SCRAPE_TIMEOUT_MS,
          ).catch((error: unknown) => {
            warnings.push(`could not read the servers' cut counters: ${String(error)}`);
            return null;
          })
        : null;
    const faultResult =
      faultRun?.finish(delivery, cutStats, bufferBoundFromArgs(fault?.serverArgs)) ?? null;
    if (faultRun?.failure) invalidReasons.push(faultRun.failure);

    // Publishes refused while Redis was away are the redis-blip fault itself, not bad input.
    const expectedPublishFailures =
      fault?.kind === "redis-blip" ? (faultResult?.publishFailures ?? 0) : 0;
    const unexpectedPublishFailures = publisherStats.errors - expectedPublishFailures;
    if (unexpectedPublishFailures > 0) {
      invalidReasons.push(
        `${unexpectedPublishFailures} publishes failed (first: ${publisherStats.firstError}); the input was not what the scenario asked for`,
      );
    }
    if (delivery.lost > 0) {
      warnings.push(
        `${delivery.lost} notifications not delivered within the ${params.drainMs} ms drain`,
      );
    }
    if (delivery.duplicates > 0)
      warnings.push(`${delivery.duplicates} notifications delivered twice`);
    if (stats.foreignNotifications > 0) {
      invalidReasons.push(`${stats.foreignNotifications} notifications reached the wrong user`);
    }
    if (unrecognized > 0) {
      invalidReasons.push(
        `${unrecognized} received notifications carried no push-vs-poll marker (an object with userId, seq and intendedAtUs, as published); the server must pass the published body through`,
      );
    }
    const errors = statsEnd.errors - statsStart.errors;
    if (errors > 0) warnings.push(`${errors} client requests failed during the window`);
    if (faultResult && !faultResult.recovered && faultRun?.failure === null) {
      warnings.push(
        `did not recover from ${fault?.kind} before the drain ended (${faultResult.reconnectedClients} of ${faultResult.disruptedClients} disrupted clients back)`,
      );
    }
    const driverHealth = judgeDriverHealth(driverWindow);
    invalidReasons.push(...driverHealth.reasons);
    const lagMs = publisherStats.maxIssueLagUs / 1000;
    if (lagMs > 100) {
      warnings.push(
        `the publisher issued a notification up to ${lagMs.toFixed(0)} ms after its intended time; that delay is inside the latency, as it should be`,
      );
    }
    // Client connections only: the socket count from /proc also holds each process's Redis ones.
    const openConnections = Math.max(
      serverOpenConnections,
      (serverWindow?.maxOpenSockets ?? 0) - REDIS_CONNECTIONS_PER_SERVER * params.instances,
    );

    // A Redis restarted inside the window (redis-blip) reset its counters: no cost to report.
    let redisCost: RunResult["redis"] = null;
    if (redisBefore && redisAfter) {
      try {
        redisCost = diffRedisInfo(redisBefore, redisAfter);
      } catch (error) {
        if (fault?.kind !== "redis-blip") throw error;
        warnings.push(
          "Redis was restarted inside the window, so its command and CPU counters cover only part of it: not reported",
        );
      }
    }

    const result: RunResult = {
      scenario: planned.scenario,
      step: planned.step,
      strategy: planned.strategy,
      params,
      valid: invalidReasons.length === 0,
      invalidReasons,
      warnings,
      timing: { startedAt, measuredMs: Math.round(measuredMs), drainedMs: Math.round(drainedMs) },
      delivery,
      latency,
      http: {
        requests,
        emptyResponses: statsEnd.emptyResponses - statsStart.emptyResponses,
        errors,
        connectionsOpened: wireWindow.connectionsOpened,
        bytesSent: wireWindow.bytesSent,
        bytesReceived: wireWindow.bytesReceived,
        reconnects: statsEnd.reconnects - statsStart.reconnects,
        resets: statsEnd.resets - statsStart.resets,
        requestsPerClientMinute: windowMinutes > 0 ? requests / params.clients / windowMinutes : 0,
      },
      perDelivered: {
        requests: inWindow > 0 ? requests / inWindow : null,
        bytes: inWindow > 0 ? bytes / inWindow : null,
      },
      server:
        serverWindow && fleetWindow && serverBefore && serverConnected
          ? {
              cpuSeconds: serverWindow.cpuSeconds,
              cpuUtilization: serverWindow.cpuUtilization,
              cpuMsPer1000Deliveries:
                inWindow > 0 ? (serverWindow.cpuSeconds * 1e6) / inWindow : null,
              peakRssBytes: serverWindow.peakRssBytes,
              meanRssBytes: serverWindow.meanRssBytes,
              rssPerConnectionBytes:
                serverOpenConnections >= 1
                  ? Math.max(0, serverConnected.rssBytes - serverBefore.rssBytes) /
                    serverOpenConnections
                  : null,
              openConnections,
              openFds: serverWindow.maxOpenFds,
              // The worst instance: one stalled process delays its own clients whatever the others do.
              eventLoopDelayP99Ms: lagGauges ? Math.max(...lagGauges) * 1000 : null,
              instances: toInstanceCosts(fleetWindow),
            }
          : null,
      redis: redisCost,
      driver: {
        cpuSeconds: driverWindow.cpuSeconds,
        cpuUtilization: driverWindow.cpuUtilization,
        eventLoopDelayP99Ms: driverWindow.eventLoopDelayP99Ms,
        rssBytes: driverWindow.rssBytes,
        rssPerClientBytes:
          params.clients > 0
            ? Math.max(0, driverRssConnectedBytes - driverRssBeforeBytes) / params.clients
            : null,
      },
      fault: faultResult,
    };
    options.onProgress({ phase: "done", connected, delivered: delivery.delivered });
    return result;
  } finally {
    faultRun?.stop();
    for (const client of clients) client.stop();
    // Idempotent: after a normal run these return the memoized window; after a failure they
    // only stop the timers.
    selfCheck.stop();
    await publisher?.stop();
    publishOverHttp?.close();
    await source?.close();
    const exitCodes = (await fleet?.stop()) ?? [];
    const unclean = exitCodes.filter((code) => code !== 0 && code !== null);
    if (unclean.length > 0 && !signal.aborted) {
      // A server that does not shut down cleanly is worth knowing about, but the numbers stand.
      warnings.push(
        `server exited with code ${unclean.join(", ")} on shutdown: ${fleet?.stderrTail() ?? ""}`,
      );
    }
  }
}

/**
 * Starts `count` clients spread evenly over `rampMs`: one pacing loop that wakes every few ms and
 * starts every client whose turn has come (one timer per client would cost 10,000 timers).
 */
async function rampClients(
  count: number,
  rampMs: number,
  signal: AbortSignal,
  startClient: (index: number) => void,
): Promise<void> {
  const startMs = performance.now();
  let next = 0;
  while (next < count) {
    signal.throwIfAborted();
    const dueCount =
      rampMs <= 0
        ? count
        : Math.min(count, Math.floor(((performance.now() - startMs) / rampMs) * count) + 1);
    while (next < dueCount) startClient(next++);
    if (next < count) await sleep(RAMP_TICK_MS, signal);
  }
}

/** How often the ramp loop wakes to start the clients whose turn has come. */
const RAMP_TICK_MS = 5;

/** Throwaway users that warm the server's delivery route before the RSS baseline. */
export const SERVER_WARMUP_USERS = 20;

async function warmUpServer(
  strategy: PlannedRun["strategy"],
  ctx: ClientContext,
  endpointIndex: number,
  params: PlannedRun["params"],
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
