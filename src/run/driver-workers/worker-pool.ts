/**
 * `--driver-workers N`: the run's simulated users spread over N child processes (user i to
 * worker i mod N, so every worker holds an even spread of endpoints and of the energy sample),
 * each a full driver of its share (worker.ts). The coordinator, this process, keeps the
 * servers, the publisher and the window's edges; it routes each publish record to the worker
 * that owns the user and merges the workers' figures exactly (merge.ts).
 *
 * Why processes, not threads: a process has its own file-descriptor limit and its own event
 * loop and heap, so N workers hold N times the sockets one process may, and the publisher's
 * timer no longer shares a loop with thousands of clients' I/O.
 */

import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ClientBounds } from "../../driver/clients/client-bounds.ts";
import { clockOriginNs } from "../../driver/clock.ts";
import { DEFAULT_TIMELINE_LIMITS } from "../../driver/traffic-timeline.ts";
import type { DriverWorkerShare } from "../../model/results.ts";
import type { ScenarioParams } from "../../model/scenario.ts";
import type { StrategyId } from "../../model/strategies.ts";
import { nodeArgsFor } from "../../util/compiled-script.ts";
import type { ClientFinal, ClientSide, ClientWindow, LiveCounters } from "../client-side.ts";
import {
  mergeClientStats,
  mergeFinals,
  mergeTimelines,
  mergeTransport,
  mergeWire,
} from "./merge.ts";
import type {
  CoordinatorMessage,
  CoordinatorRequest,
  WireEndpoint,
  WorkerFinal,
  WorkerMessage,
  WorkerReplyValue,
  WorkerWindow,
} from "./protocol.ts";

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const WORKER_SCRIPT = path.join(PROJECT_ROOT, "scripts", "driver-worker.ts");

/** Publish records wait at most this long before they go to their worker, ms. */
const PUBLISH_FLUSH_MS = 5;
/** How long a stopped worker gets to exit before it is killed, ms. */
const STOP_GRACE_MS = 3_000;

export interface DriverWorkersOptions {
  workers: number;
  strategy: StrategyId;
  params: ScenarioParams;
  userIds: readonly string[];
  endpoints: WireEndpoint[];
  bounds: ClientBounds;
  transport: { ca: string; resumption: boolean; h2Origin: string | null } | null;
}

interface Worker {
  index: number;
  child: ChildProcess;
  /** Its share of the run's users, each with its place among all of them. */
  users: { userId: string; index: number }[];
  stderrTail: string[];
  live: LiveCounters;
  exited: Promise<void>;
  outbox: (string | number)[];
  window: WorkerWindow | null;
}

interface Pending {
  /** Whom the request went to: its exit fails only its own requests. */
  worker: Worker;
  resolve(value: WorkerReplyValue): void;
  reject(error: Error): void;
}

/** The clients in N worker processes, behind the same interface as the in-process ones. */
export class DriverWorkers implements ClientSide {
  readonly clientCount: number;
  readonly #workers: Worker[];
  readonly #owner = new Map<string, Worker>();
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #flushTimer: NodeJS.Timeout | null = null;
  #closing: Promise<void> | null = null;

  /** Spawns the workers and hands each its share of the users; rejects if any fails to start. */
  static async start(options: DriverWorkersOptions): Promise<DriverWorkers> {
    // Compiled JavaScript, as our servers run (src/util/compiled-script.ts says why).
    const nodeArgs = await nodeArgsFor(WORKER_SCRIPT);
    const pool = new DriverWorkers(options, nodeArgs);
    try {
      const origin = clockOriginNs().toString();
      const perWorkerSample = Math.ceil(DEFAULT_TIMELINE_LIMITS.maxClients / options.workers);
      await Promise.all(
        pool.#workers.map((worker) =>
          pool.#request(worker, {
            type: "init",
            init: {
              strategy: options.strategy,
              params: options.params,
              users: worker.users,
              endpoints: options.endpoints,
              bounds: options.bounds,
              transport: options.transport,
              clockOriginNs: origin,
              timelineClients: perWorkerSample,
            },
          }),
        ),
      );
      return pool;
    } catch (error) {
      await pool.close();
      throw error;
    }
  }

  private constructor(options: DriverWorkersOptions, nodeArgs: readonly string[]) {
    this.clientCount = options.userIds.length;
    this.#workers = Array.from({ length: options.workers }, (_, index) =>
      this.#spawn(index, nodeArgs),
    );
    for (const [index, userId] of options.userIds.entries()) {
      const worker = this.#workers[index % options.workers];
      if (!worker) continue;
      worker.users.push({ userId, index });
      this.#owner.set(userId, worker);
    }
  }

  /** The workers' process ids (tests, diagnostics). */
  get pids(): number[] {
    return this.#workers.map((w) => w.child.pid ?? -1);
  }

  #spawn(index: number, nodeArgs: readonly string[]): Worker {
    const child = spawn(process.execPath, [...nodeArgs], {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
      env: { ...process.env, NODE_ENV: "production" },
    });
    const worker: Worker = {
      index,
      child,
      users: [],
      stderrTail: [],
      live: { requests: 0, errors: 0, delivered: 0, connected: 0 },
      exited: new Promise((resolve) => child.once("exit", () => resolve())),
      outbox: [],
      window: null,
    };
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (text: string) => {
      worker.stderrTail.push(...text.split("\n").filter((line) => line.length > 0));
      if (worker.stderrTail.length > 20) worker.stderrTail.splice(0, worker.stderrTail.length - 20);
    });
    child.on("message", (message: WorkerMessage) => this.#onMessage(worker, message));
    child.once("exit", (code, signal) => {
      const why = `driver worker ${index + 1} exited (${signal ?? `code ${code}`})${
        worker.stderrTail.length > 0 ? `: ${worker.stderrTail.slice(-5).join(" | ")}` : ""
      }`;
      // Only requests to this worker fail; the others' answers still count.
      for (const [id, pending] of this.#pending) {
        if (pending.worker === worker) {
          this.#pending.delete(id);
          pending.reject(new Error(why));
        }
      }
    });
    child.on("error", () => {
      // reported through "exit"
    });
    return worker;
  }

  #onMessage(worker: Worker, message: WorkerMessage): void {
    if ("type" in message) {
      worker.live = {
        connected: message.connected,
        requests: message.requests,
        errors: message.errors,
        delivered: message.delivered,
      };
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if ("error" in message) {
      pending.reject(new Error(`driver worker ${worker.index + 1}: ${message.error}`));
    } else pending.resolve(message.reply);
  }

  #request(worker: Worker, request: CoordinatorRequest): Promise<WorkerReplyValue> {
    this.#flush();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (
        worker.child.exitCode !== null ||
        worker.child.signalCode !== null ||
        !worker.child.connected
      ) {
        reject(new Error(`driver worker ${worker.index + 1} is not running`));
        return;
      }
      this.#pending.set(id, { worker, resolve, reject });
      const message: CoordinatorMessage = { id, request };
      worker.child.send(message);
    });
  }

  async #all<T extends WorkerReplyValue["type"]>(
    request: CoordinatorRequest,
    type: T,
  ): Promise<Extract<WorkerReplyValue, { type: T }>[]> {
    const replies = await Promise.all(this.#workers.map((w) => this.#request(w, request)));
    return replies.map((reply) => {
      if (reply.type !== type)
        throw new Error(`driver worker answered ${reply.type}, expected ${type}`);
      return reply as Extract<WorkerReplyValue, { type: T }>;
    });
  }

  /** Sends every worker its waiting publish records (keeps the channel's order). */
  #flush(): void {
    if (this.#flushTimer !== null) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = null;
    }
    for (const worker of this.#workers) {
      if (worker.outbox.length === 0 || !worker.child.connected) continue;
      const message: CoordinatorMessage = { type: "published", items: worker.outbox };
      worker.child.send(message);
      worker.outbox = [];
    }
  }

  async startClients(
    rampMs: number,
    _signal: AbortSignal,
  ): Promise<{ connected: number; allConnected: boolean }> {
    const replies = await this.#all({ type: "start-clients", rampMs }, "started");
    return {
      connected: replies.reduce((n, r) => n + r.connected, 0),
      allConnected: replies.every((r) => r.allConnected),
    };
  }

  async driverRssBytes(): Promise<number> {
    const replies = await this.#all({ type: "rss" }, "rss");
    return replies.reduce((n, r) => n + r.rssBytes, 0);
  }

  recordPublished(userId: string, seq: number, intendedAtUs: number): void {
    const worker = this.#owner.get(userId);
    if (!worker) return;
    worker.outbox.push(userId, seq, intendedAtUs);
    this.#flushTimer ??= setTimeout(() => this.#flush(), PUBLISH_FLUSH_MS);
  }

  live(): LiveCounters {
    const out: LiveCounters = { requests: 0, errors: 0, delivered: 0, connected: 0 };
    for (const { live } of this.#workers) {
      out.requests += live.requests;
      out.errors += live.errors;
      out.delivered += live.delivered;
      out.connected += live.connected;
    }
    return out;
  }

  async openWindow(atUs: number): Promise<void> {
    await this.#all({ type: "open-window", atUs }, "window-open");
  }

  async closeWindow(): Promise<ClientWindow> {
    const replies = await this.#all({ type: "close-window" }, "window");
    const windows = replies.map((r) => r.window);
    for (const [i, worker] of this.#workers.entries()) worker.window = windows[i] ?? null;
    return {
      wire: mergeWire(windows.map((w) => w.wire)),
      timelines: mergeTimelines(windows.map((w) => w.timelines)),
      statsStart: mergeClientStats(windows.map((w) => w.statsStart)),
      statsEnd: mergeClientStats(windows.map((w) => w.statsEnd)),
      transport: mergeTransport(windows.map((w) => w.transport)),
      h2OpenSessions: windows.reduce((n, w) => n + w.h2OpenSessions, 0),
      workerChecks: windows.map((w) => w.check),
    };
  }

  async allDelivered(): Promise<boolean> {
    const replies = await this.#all({ type: "all-delivered" }, "all-delivered");
    return replies.every((r) => r.value);
  }

  async final(): Promise<ClientFinal> {
    const finals: WorkerFinal[] = (await this.#all({ type: "final" }, "final")).map((r) => r.final);
    const merged = mergeFinals(finals);
    return {
      delivery: merged.delivery,
      latency: merged.latency,
      receipts: {
        foreignNotifications: merged.foreignNotifications,
        unrecognized: merged.unrecognized,
      },
      workers: this.#workers.map((worker, i) => shareOf(worker, finals[i])),
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#stopAll();
    return this.#closing;
  }

  async #stopAll(): Promise<void> {
    if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
    await Promise.all(
      this.#workers.map(async (worker) => {
        const { child } = worker;
        if (child.exitCode !== null || child.signalCode !== null) return;
        if (child.connected) child.send({ type: "stop" } satisfies CoordinatorMessage);
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        await worker.exited;
        clearTimeout(timer);
      }),
    );
  }
}

function shareOf(worker: Worker, final: WorkerFinal | undefined): DriverWorkerShare {
  const window = worker.window;
  const statsStart = window?.statsStart;
  const statsEnd = window?.statsEnd;
  return {
    clients: worker.users.length,
    published: final?.delivery.published ?? 0,
    delivered: final?.delivery.delivered ?? 0,
    lost: final?.delivery.lost ?? 0,
    duplicates: final?.delivery.duplicates ?? 0,
    requests: statsEnd && statsStart ? statsEnd.requests - statsStart.requests : 0,
    bytes: window ? window.wire.bytesSent + window.wire.bytesReceived : 0,
    cpuUtilization: window?.check.cpuUtilization ?? 0,
    eventLoopDelayP99Ms: window?.check.eventLoopDelayP99Ms ?? 0,
    rssBytes: window?.check.rssBytes ?? 0,
  };
}
