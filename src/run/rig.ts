/**
 * Everything one run needs running, and the one close() that releases it: our server fleet
 * and the notification source (or, with --target, the target's URL templates and an HTTP
 * publisher), the wire counter, the client counters, the latency recorder and the ledger, the
 * driver self-check, the clients, the fault run and, once publishing starts, the publisher.
 */

import { type ClientBounds, DEFAULT_CLIENT_BOUNDS } from "../driver/clients/client-bounds.ts";
import {
  type ClientContext,
  type ClientStats,
  createClientStats,
  type Endpoint,
  type SimulatedClient,
} from "../driver/clients/client-context.ts";
import { createClient } from "../driver/clients/create-client.ts";
import { type Clock, monotonicClock } from "../driver/clock.ts";
import { H2SessionPool } from "../driver/h2-transport.ts";
import { LatencyRecorder } from "../driver/latency-recorder.ts";
import { Ledger } from "../driver/ledger.ts";
import { type PublishPlan, startPlannedPublisher } from "../driver/publish-plan.ts";
import type { RunningPublisher } from "../driver/publisher.ts";
import { PublisherThread } from "../driver/publisher-thread/publisher-thread.ts";
import { createTransportStats, type TransportStats } from "../driver/transport-stats.ts";
import { WireCounter } from "../driver/wire-counter.ts";
import { FaultRun } from "../faults/fault-run.ts";
import { FAULT_KIND_MODULES } from "../faults/kinds/index.ts";
import { type ServerFleet, startServerFleet } from "../fleet/server-fleet.ts";
import { type SelfCheck, startSelfCheck } from "../metrics/driver-self-check.ts";
import { type ProcessGroup, startProcessGroup } from "../metrics/process-group.ts";
import { type DeliveryPath, DIRECT_PATH } from "../model/delivery-path.ts";
import type { FaultSpec } from "../model/scenario.ts";
import { openNotificationSource } from "../notifications/notification-source.ts";
import type { NotificationSource } from "../notifications/types.ts";
import type { PlannedRun } from "../plan/resolve-runs.ts";
import { type RunningNginx, startNginx } from "../proxy/nginx-proxy.ts";
import type { RedisHandle } from "../redis/managed-redis.ts";
import type { BenchTarget } from "../target/external-target.ts";
import { createHttpPublisher, type HttpPublisher } from "../target/http-publisher.ts";
import { publisherMode } from "../util/env-switches.ts";
import { type ClientSide, InProcessClients } from "./client-side.ts";
import type { WireEndpoint, WorkerInit } from "./driver-workers/protocol.ts";
import { DriverWorkers } from "./driver-workers/worker-pool.ts";
import { runClientContext } from "./run-client-context.ts";

/** Seed of the publisher's user choice, fixed so every strategy gets the same sequence. */
export const USER_CHOICE_SEED = 0xc0ffee; // distinct from the schedule's seed, so gaps and users are independent

export interface RigOptions {
  planned: PlannedRun;
  /** The bench's Redis; null with `--target` (the external server has its own store). */
  redis: RedisHandle | null;
  /** An external server to measure instead of spawning ours (`--target`); null otherwise. */
  target: BenchTarget | null;
  /** Unique per run so runs never see each other's streams. */
  keyPrefix: string;
  signal: AbortSignal;
  /** What the clients put up with (`--max-sse-line-bytes`, ...); default DEFAULT_CLIENT_BOUNDS. */
  clientBounds?: ClientBounds;
  /** `--heartbeat-ms` for our servers; null or absent = their default. */
  heartbeatMs?: number | null;
  /**
   * `--driver-workers`: the clients in this many child processes (src/run/driver-workers/);
   * 0 or absent = in this process. Fault runs always keep their clients here (their tracker
   * and the faults themselves act on the client objects).
   */
  driverWorkers?: number;
}

/**
 * What the clients talk to and publishes go through. Ours: fresh server processes and the
 * shared source. External (--target): its URL templates and an HTTP publisher.
 */
interface ServerSide {
  fleet: ServerFleet | null;
  /** `--target-pid`: the external server's processes, sampled like a fleet; null otherwise. */
  targetProcesses: ProcessGroup | null;
  source: NotificationSource | null;
  httpPublisher: HttpPublisher | null;
  endpoints: Endpoint[];
  /** nginx in front of the fleet (`--proxy nginx`); the clients' one endpoint then. */
  proxy: RunningNginx | null;
}

async function startServerSide(options: RigOptions): Promise<ServerSide> {
  const { planned, target } = options;
  const redisUrl = options.redis?.url ?? null;
  if (target !== null) {
    const httpPublisher = createHttpPublisher({ template: target.publish });
    const endpoints: Endpoint[] = [
      {
        kind: "template",
        subscribe: target.subscribe,
        ...(target.cursorMode === "headers" ? { cursorMode: "headers" as const } : {}),
      },
    ];
    const pids = target.pids ?? [];
    const targetProcesses = pids.length > 0 ? await startProcessGroup(pids) : null;
    return { fleet: null, targetProcesses, source: null, httpPublisher, endpoints, proxy: null };
  }
  if (redisUrl === null) throw new Error("runOne needs a Redis unless it measures a --target");
  const fleet = await startServerFleet({
    strategy: planned.strategy,
    instances: planned.params.instances,
    redisUrl,
    keyPrefix: options.keyPrefix,
    extraArgs: [
      ...(planned.fault?.serverArgs ?? []),
      ...(options.heartbeatMs == null ? [] : ["--heartbeat-ms", String(options.heartbeatMs)]),
    ],
  });
  // `--history` wins over a fault scenario's own retention.
  const historyMaxLen = planned.historyMaxLen ?? planned.fault?.historyMaxLen;
  const source = await openNotificationSource({
    redisUrl,
    keyPrefix: options.keyPrefix,
    ...(historyMaxLen !== undefined ? { historyMaxLen } : {}),
  }).catch(async (error: unknown) => {
    await fleet.stop();
    throw error;
  });
  const delivery = planned.deliveryPath ?? DIRECT_PATH;
  if (delivery.proxy === "nginx") {
    // One endpoint, nginx, which balances over the instances (and fails over between them).
    const proxy = await startNginx({
      path: delivery,
      upstreamPorts: fleet.processes.map((p) => Number(p.url.port)),
      maxClientConnections: planned.params.clients,
    }).catch(async (error: unknown) => {
      await source.close();
      await fleet.stop();
      throw error;
    });
    return {
      fleet,
      targetProcesses: null,
      source,
      httpPublisher: null,
      endpoints: [{ kind: "server", baseUrl: proxy.url }],
      proxy,
    };
  }
  const endpoints: Endpoint[] = fleet.processes.map((p) => ({ kind: "server", baseUrl: p.url }));
  return { fleet, targetProcesses: null, source, httpPublisher: null, endpoints, proxy: null };
}

/**
 * What the phases sample the servers through: our fleet, or the `--target-pid` processes of an
 * external server (no /metrics of ours there: its gauges read as absent).
 */
export type SampledServers = Pick<
  ServerFleet,
  "readTotals" | "markWindow" | "stopWindow" | "readGauge"
>;

function sampledServersOf(side: ServerSide): SampledServers | null {
  if (side.fleet !== null) return side.fleet;
  const group = side.targetProcesses;
  if (group === null) return null;
  return {
    readTotals: () => group.readTotals(),
    markWindow: () => group.markWindow(),
    stopWindow: () => group.stopWindow(),
    readGauge: async () => null,
  };
}

/**
 * With `PVP_PUBLISHER=thread`, the publisher runs on its own thread
 * (src/driver/publisher-thread/) in runs against our servers; by default it runs on the bench's
 * loop. Opt-in because on the 2-core reference machine the thread halved the issue lag p99 of
 * SSE runs but did not lower any latency figure and cost the driver 0.04 cores more
 * (docs/methodology.md, "What the machine takes from a busy process"); with cores to spare it
 * is the more precise instrument. Never for fault runs (their faults restart the Redis the
 * in-process publisher shares with the source) nor --target runs (an HTTP publisher).
 */
async function startPublisherThread(options: RigOptions): Promise<PublisherThread | null> {
  const { planned, redis, target } = options;
  if (planned.fault || target !== null || redis === null) return null;
  if (publisherMode() === "inline") return null;
  return PublisherThread.start({
    redisUrl: redis.url,
    keyPrefix: options.keyPrefix,
    ...(planned.historyMaxLen !== undefined ? { historyMaxLen: planned.historyMaxLen } : {}),
  });
}

/** A run's parts, from the servers up to the clients; `Rig.start()` builds one, `close()` ends it. */
export class Rig {
  readonly planned: PlannedRun;
  readonly signal: AbortSignal;
  readonly clock: Clock = monotonicClock;
  /** Our server processes; null with --target. */
  readonly fleet: ServerFleet | null;
  /**
   * Whose CPU, memory and sockets the run measures: our fleet, the `--target-pid` processes,
   * or null (a --target without pids).
   */
  readonly sampledServers: SampledServers | null;
  /** The Redis whose INFO the window reads: ours, when the servers are ours; null otherwise. */
  readonly infoRedisUrl: string | null;
  readonly wire = new WireCounter();
  /** TLS handshakes and HTTP/2 sessions and streams (zero on a plain HTTP/1.1 path). */
  readonly transport: TransportStats = createTransportStats();
  /** How the clients reach the servers (proxy, TLS, HTTP/2). */
  readonly deliveryPath: DeliveryPath;
  /** nginx in front of the servers; null without `--proxy nginx`. */
  readonly proxy: RunningNginx | null;
  readonly #h2Pool: H2SessionPool | null;
  readonly stats: ClientStats = createClientStats();
  /** Receipts without the driver's marker: the server did not pass the published body through. */
  readonly receipts = { unrecognized: 0 };
  readonly recorder = new LatencyRecorder();
  readonly ledger = new Ledger(this.recorder);
  readonly selfCheck: SelfCheck = startSelfCheck();
  readonly userIds: readonly string[];
  readonly faultRun: FaultRun | null;
  readonly clientContext: ClientContext;
  /** The clients in this process (none with --driver-workers: they live in the workers). */
  readonly clients: readonly SimulatedClient[];
  /** Where the phases reach the clients: this process's, or the driver workers'. */
  readonly clientSide: ClientSide;
  readonly #serverSide: ServerSide;
  #publisher: RunningPublisher | null = null;
  /** The publisher's own thread (`PVP_PUBLISHER=thread`); null = it runs on this loop. */
  readonly #publisherThread: PublisherThread | null;
  #closing: Promise<string[]> | null = null;

  /** Starts the servers (or connects to --target) and builds everything else around them. */
  static async start(options: RigOptions): Promise<Rig> {
    const serverSide = await startServerSide(options);
    const thread = await startPublisherThread(options).catch(async (error: unknown) => {
      await stopServerSide(serverSide);
      throw error;
    });
    // no more workers than users (a worker without users would only add a process)
    const workers = options.planned.fault
      ? 0
      : Math.min(options.driverWorkers ?? 0, options.planned.params.clients);
    if (workers <= 0) return new Rig(options, serverSide, null, thread);
    const pool = await DriverWorkers.start({
      workers,
      strategy: options.planned.strategy,
      params: options.planned.params,
      userIds: runUserIds(options),
      endpoints: wireEndpoints(serverSide.endpoints, options.target),
      bounds: options.clientBounds ?? DEFAULT_CLIENT_BOUNDS,
      transport: workerTransport(options.planned, serverSide.proxy),
    }).catch(async (error: unknown) => {
      await thread?.close();
      await stopServerSide(serverSide);
      throw error;
    });
    return new Rig(options, serverSide, pool, thread);
  }

  private constructor(
    options: RigOptions,
    serverSide: ServerSide,
    workers: DriverWorkers | null,
    publisherThread: PublisherThread | null,
  ) {
    const { planned } = options;
    this.#publisherThread = publisherThread;
    const params = planned.params;
    this.planned = planned;
    this.signal = options.signal;
    this.#serverSide = serverSide;
    this.fleet = serverSide.fleet;
    this.sampledServers = sampledServersOf(serverSide);
    this.proxy = serverSide.proxy;
    this.deliveryPath = planned.deliveryPath ?? DIRECT_PATH;
    const ca = serverSide.proxy?.certificate?.certPem;
    this.#h2Pool =
      this.deliveryPath.http2 && serverSide.proxy && ca
        ? new H2SessionPool(
            {
              origin: serverSide.proxy.url,
              ca,
              resumption: this.deliveryPath.tlsResumption,
              maxHeaderBytes: (options.clientBounds ?? DEFAULT_CLIENT_BOUNDS).maxHeaderBytes,
            },
            this.wire,
            this.transport,
          )
        : null;
    this.infoRedisUrl = serverSide.fleet ? (options.redis?.url ?? null) : null;
    // An external server keeps its history across runs: user ids unique to this run keep an
    // earlier run's notifications out of this one's ledger.
    this.userIds = runUserIds(options);
    this.faultRun = planned.fault ? this.#faultRun(planned.fault, options.redis) : null;
    this.clientContext = runClientContext({
      endpoints: serverSide.endpoints,
      bounds: options.clientBounds ?? DEFAULT_CLIENT_BOUNDS,
      wire: this.wire,
      stats: this.stats,
      clock: this.clock,
      ledger: this.ledger,
      receipts: this.receipts,
      tracker: this.faultRun?.tracker,
      transport:
        ca === undefined
          ? null
          : {
              stats: this.transport,
              ca,
              resumption: this.deliveryPath.tlsResumption,
              h2Pool: this.#h2Pool,
            },
    });
    // the clients create their agents in this order: an even sample of them records timelines
    this.wire.timelines.sampleNext(workers === null ? this.userIds.length : 0);
    this.clients =
      workers === null
        ? this.userIds.map((userId, i) =>
            createClient(planned.strategy, this.clientContext, userId, params, i),
          )
        : [];
    this.clientSide =
      workers ??
      new InProcessClients({
        clients: this.clients,
        ledger: this.ledger,
        recorder: this.recorder,
        wire: this.wire,
        stats: this.stats,
        transport: this.transport,
        receipts: this.receipts,
        h2OpenSessions: () => this.h2OpenSessions(),
      });
  }

  /** Starts the open-model publisher over warm-up + window, from now. */
  startPublisher(): RunningPublisher {
    const { params } = this.planned;
    const { source, httpPublisher } = this.#serverSide;
    const startUs = this.clock.nowUs();
    const totalRatePerSec =
      params.fanout === "per-user" ? params.ratePerSec * params.clients : params.ratePerSec;
    const onPublished = (userId: string, seq: number, intendedAtUs: number): void => {
      this.clientSide.recordPublished(userId, seq, intendedAtUs);
      this.faultRun?.tracker.published(userId, seq, intendedAtUs);
    };
    const plan: PublishPlan = {
      userIds: this.userIds,
      fanout: params.fanout,
      userChoice: params.publishModel === "poisson" ? "random" : "round-robin",
      userChoiceSeed: USER_CHOICE_SEED,
      ratePerSec: totalRatePerSec,
      model: params.publishModel,
      startUs,
      endUs: startUs + (params.warmupMs + params.durationMs) * 1000,
      payloadBytes: params.payloadBytes,
    };
    this.#publisher =
      this.#publisherThread?.begin(plan, onPublished) ??
      startPlannedPublisher(plan, {
        publish: (userId, payload) =>
          source
            ? source.publish(userId, payload)
            : (httpPublisher?.publish(userId, payload) ?? Promise.resolve()),
        clock: this.clock,
        onPublished,
      });
    return this.#publisher;
  }

  /** HTTP/2 sessions open now (0 without HTTP/2). */
  h2OpenSessions(): number {
    return this.#h2Pool?.sessions ?? 0;
  }

  /** Time the publisher's precise timer has spent polling so far, µs (0 before publishing). */
  publisherPollingUs(): number {
    return this.#publisher?.stats().timerPollingUs ?? 0;
  }

  /**
   * Releases everything, in order: fault sampling, clients, self-check, publisher, source,
   * servers. Idempotent. Resolves with what is worth a warning (a server that exited unclean).
   */
  close(): Promise<string[]> {
    this.#closing ??= this.#release();
    return this.#closing;
  }

  async #release(): Promise<string[]> {
    const { fleet, source, httpPublisher } = this.#serverSide;
    this.faultRun?.stop();
    await this.clientSide.close();
    // Idempotent: after a normal run these return the memoized window; after a failure they
    // only stop the timers.
    this.selfCheck.stop();
    // A publisher thread that failed has said so in the drain already; here it only ends.
    await this.#publisher?.stop().catch(() => {});
    await this.#publisherThread?.close();
    httpPublisher?.close();
    this.#h2Pool?.close();
    const proxyNotes = await this.#stopProxy();
    await source?.close();
    await this.#serverSide.targetProcesses?.close();
    const exitCodes = (await fleet?.stop()) ?? [];
    const unclean = exitCodes.filter((code) => code !== 0 && code !== null);
    if (unclean.length === 0 || this.signal.aborted) return proxyNotes;
    // A server that does not shut down cleanly is worth knowing about, but the numbers stand.
    return [
      ...proxyNotes,
      `server exited with code ${unclean.join(", ")} on shutdown: ${fleet?.stderrTail() ?? ""}`,
    ];
  }

  /** Stops nginx; what its error log said at level error or worse becomes a warning. */
  async #stopProxy(): Promise<string[]> {
    const proxy = this.#serverSide.proxy;
    if (proxy === null) return [];
    const errors = await proxy.errorLines();
    await proxy.stop();
    if (errors.count === 0) return [];
    return [
      `nginx logged ${errors.count} error line${errors.count === 1 ? "" : "s"} (e.g. ${errors.sample})`,
    ];
  }

  #faultRun(spec: FaultSpec, redis: RedisHandle | null): FaultRun {
    const params = this.planned.params;
    const targeted = FAULT_KIND_MODULES[spec.kind].targetClients(spec, params);
    const { fleet, source } = this.#serverSide;
    return new FaultRun({
      spec,
      clock: this.clock,
      targetedUserIds: targeted.map((i) => this.userIds[i] as string),
      totalClients: params.clients,
      readCounters: () => {
        const w = this.wire.snapshot();
        return {
          requests: this.stats.requests,
          bytes: w.bytesSent + w.bytesReceived,
          errors: this.stats.errors,
          publishFailures: this.#publisher?.stats().errors ?? 0,
          resets: this.stats.resets,
        };
      },
      targets: () => ({
        fleet,
        redis,
        source,
        clients: this.clients,
        targeted,
        signal: this.signal,
      }),
    });
  }
}

/** The run's user ids, the same in every process of the driver. */
function runUserIds(options: RigOptions): string[] {
  // An external server keeps its history across runs: user ids unique to this run keep an
  // earlier run's notifications out of this one's ledger.
  const userPrefix =
    options.target === null ? "user" : `pvp-${options.keyPrefix.replace(/\W+/g, "")}`;
  return Array.from({ length: options.planned.params.clients }, (_, i) => `${userPrefix}-${i + 1}`);
}

/** The endpoints as plain data for a driver worker (a --target's templates as their text). */
function wireEndpoints(endpoints: readonly Endpoint[], target: BenchTarget | null): WireEndpoint[] {
  return endpoints.map((endpoint) => {
    if (endpoint.kind === "server") return { kind: "server", baseUrl: endpoint.baseUrl.href };
    if (target === null) throw new Error("a template endpoint needs its --target");
    return {
      kind: "template",
      target: target.subscribe.text,
      targetStrategy: target.strategy,
      publishUrl: target.publish.text,
      targetCursor: target.cursorMode ?? "url",
    };
  });
}

/** TLS (and HTTP/2) settings a driver worker needs to reach the proxy; null = plain HTTP. */
function workerTransport(planned: PlannedRun, proxy: RunningNginx | null): WorkerInit["transport"] {
  const ca = proxy?.certificate?.certPem;
  if (!proxy || ca === undefined) return null;
  const path = planned.deliveryPath ?? DIRECT_PATH;
  return { ca, resumption: path.tlsResumption, h2Origin: path.http2 ? proxy.url.href : null };
}

/** Stops what startServerSide started (when the rig around it could not be built). */
async function stopServerSide(side: ServerSide): Promise<void> {
  side.httpPublisher?.close();
  await side.proxy?.stop();
  await side.source?.close();
  await side.targetProcesses?.close();
  await side.fleet?.stop();
}
