/**
 * One `--driver-workers` child process: it holds its share of the run's simulated users with
 * the same clients, ledger, latency recorder, wire counter and self-check a one-process run
 * uses, and answers the coordinator's requests (protocol.ts). The coordinator keeps the
 * servers, the publisher and the window's edges; the worker never publishes.
 *
 * Time: the worker's clock is its performance.now() moved onto the coordinator's axis (both
 * derive from the machine's monotonic clock), so receipts carry latencies against the
 * publisher's intended times exactly as in one process, and the window opens at the
 * coordinator's instant.
 */

import type {
  ClientStats,
  Endpoint,
  SimulatedClient,
} from "../../driver/clients/client-context.ts";
import { createClientStats } from "../../driver/clients/client-context.ts";
import { createClient } from "../../driver/clients/create-client.ts";
import { clockOnAxisOf } from "../../driver/clock.ts";
import { H2SessionPool } from "../../driver/h2-transport.ts";
import { LatencyRecorder } from "../../driver/latency-recorder.ts";
import { Ledger } from "../../driver/ledger.ts";
import type { TimelineWindow } from "../../driver/traffic-timeline.ts";
import { DEFAULT_TIMELINE_LIMITS } from "../../driver/traffic-timeline.ts";
import { createTransportStats } from "../../driver/transport-stats.ts";
import { WireCounter } from "../../driver/wire-counter.ts";
import { startSelfCheck } from "../../metrics/driver-self-check.ts";
import { parseBenchTarget } from "../../target/external-target.ts";
import { InProcessClients } from "../client-side.ts";
import { runClientContext } from "../run-client-context.ts";
import type {
  CoordinatorMessage,
  CoordinatorRequest,
  WireEndpoint,
  WorkerInit,
  WorkerMessage,
  WorkerReplyValue,
} from "./protocol.ts";

/** How often the worker tells the coordinator its live counters (progress, error-rate bound). */
const STATUS_INTERVAL_MS = 250;

interface WorkerState {
  clients: InProcessClients;
  ledger: Ledger;
  stats: ClientStats;
  offsetMs: number;
  userIndexes: readonly number[];
  stop(): void;
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

function toEndpoint(wire: WireEndpoint): Endpoint {
  if (wire.kind === "server") return { kind: "server", baseUrl: new URL(wire.baseUrl) };
  const target = parseBenchTarget(wire);
  return {
    kind: "template",
    subscribe: target.subscribe,
    ...(target.cursorMode === "headers" ? { cursorMode: "headers" as const } : {}),
  };
}

function build(init: WorkerInit): WorkerState {
  const clock = clockOnAxisOf(init.clockOriginNs);
  const wire = new WireCounter({
    ...DEFAULT_TIMELINE_LIMITS,
    maxClients: Math.max(0, init.timelineClients),
  });
  const transportStats = createTransportStats();
  const stats = createClientStats();
  const recorder = new LatencyRecorder({ clock });
  const ledger = new Ledger(recorder, { clock });
  const receipts = { unrecognized: 0 };
  const h2Pool =
    init.transport?.h2Origin != null
      ? new H2SessionPool(
          {
            origin: new URL(init.transport.h2Origin),
            ca: init.transport.ca,
            resumption: init.transport.resumption,
            maxHeaderBytes: init.bounds.maxHeaderBytes,
          },
          wire,
          transportStats,
        )
      : null;
  const context = runClientContext({
    endpoints: init.endpoints.map(toEndpoint),
    bounds: init.bounds,
    wire,
    stats,
    clock,
    ledger,
    receipts,
    tracker: undefined,
    transport:
      init.transport === null
        ? null
        : {
            stats: transportStats,
            ca: init.transport.ca,
            resumption: init.transport.resumption,
            h2Pool,
          },
  });
  wire.timelines.sampleNext(init.users.length);
  const simulated: SimulatedClient[] = init.users.map(({ userId, index }) =>
    createClient(init.strategy, context, userId, init.params, index),
  );
  const clients = new InProcessClients({
    clients: simulated,
    ledger,
    recorder,
    wire,
    stats,
    transport: transportStats,
    receipts,
    h2OpenSessions: () => h2Pool?.sessions ?? 0,
  });
  return {
    clients,
    ledger,
    stats,
    offsetMs: clock.offsetUs / 1000,
    userIndexes: init.users.map((u) => u.index),
    stop() {
      void clients.close();
      h2Pool?.close();
    },
  };
}

/** The window's timelines on the coordinator's axis, with the run's client indexes. */
function onRunAxis(window: TimelineWindow, state: WorkerState): TimelineWindow {
  const shift = state.offsetMs;
  return {
    fromMs: window.fromMs + shift,
    toMs: window.toMs + shift,
    clients: window.clients.map((c) => ({
      clientIndex: state.userIndexes[c.clientIndex] ?? c.clientIndex,
      truncated: c.truncated,
      bursts: c.bursts.map((b) => ({ ...b, atMs: b.atMs + shift })),
    })),
  };
}

/** Runs the worker until the coordinator says stop or the channel closes. */
export function runDriverWorker(): void {
  if (!process.send) {
    process.stderr.write(
      "push-vs-poll driver worker: started without an IPC channel; the bench starts it with --driver-workers N\n",
    );
    process.exitCode = 2;
    return;
  }
  let state: WorkerState | null = null;
  const selfCheck = startSelfCheck();
  const signal = new AbortController();
  const status = setInterval(() => {
    if (state === null) return;
    const live = state.clients.live();
    send({ type: "status", ...live });
  }, STATUS_INTERVAL_MS);

  const need = (): WorkerState => {
    if (state === null) throw new Error("driver worker: a request came before init");
    return state;
  };

  async function answer(request: CoordinatorRequest): Promise<WorkerReplyValue> {
    switch (request.type) {
      case "init":
        state = build(request.init);
        return { type: "ready" };
      case "rss":
        return { type: "rss", rssBytes: process.memoryUsage().rss };
      case "start-clients": {
        const started = await need().clients.startClients(request.rampMs, signal.signal);
        return { type: "started", ...started };
      }
      case "open-window":
        selfCheck.mark();
        await need().clients.openWindow(request.atUs);
        return { type: "window-open" };
      case "close-window": {
        const current = need();
        const window = await current.clients.closeWindow();
        return {
          type: "window",
          window: {
            wire: window.wire,
            timelines: onRunAxis(window.timelines, current),
            statsStart: window.statsStart,
            statsEnd: window.statsEnd,
            transport: window.transport,
            h2OpenSessions: window.h2OpenSessions,
            check: selfCheck.stop(),
          },
        };
      }
      case "all-delivered":
        return { type: "all-delivered", value: await need().clients.allDelivered() };
      case "final": {
        const final = await need().clients.final();
        return {
          type: "final",
          final: {
            delivery: final.delivery,
            latency: final.latency,
            foreignNotifications: final.receipts.foreignNotifications,
            unrecognized: final.receipts.unrecognized,
          },
        };
      }
    }
  }

  let stopped = false;
  const shutdown = (): void => {
    if (stopped) return;
    stopped = true;
    clearInterval(status);
    signal.abort(new Error("driver worker stopped"));
    state?.stop();
    selfCheck.stop();
    process.disconnect?.();
    // sockets still closing must not keep a finished worker alive
    setTimeout(() => process.exit(0), 200).unref();
  };

  process.on("message", (message: CoordinatorMessage) => {
    if ("type" in message) {
      if (message.type === "stop") shutdown();
      else if (message.type === "published") {
        const ledger = need().ledger;
        const items = message.items;
        for (let i = 0; i + 2 < items.length; i += 3) {
          ledger.recordPublished(String(items[i]), Number(items[i + 1]), Number(items[i + 2]));
        }
      }
      return;
    }
    answer(message.request).then(
      (reply) => send({ id: message.id, reply }),
      (error: unknown) =>
        send({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  // The coordinator died or closed the channel: nothing left to report to.
  process.on("disconnect", shutdown);
}
