/**
 * The simulated users' side of a run, as the phases see it: start them, open and close the
 * measured window, ask whether every published notification has arrived, read the final
 * ledger. Two implementations: the clients in this process (`InProcessClients`, the default
 * and the only one fault runs use), and the clients spread over `--driver-workers` child
 * processes (`src/run/driver-workers/worker-pool.ts`), merged exactly into the same figures.
 */

import type { ClientStats, SimulatedClient } from "../driver/clients/client-context.ts";
import { copyClientStats } from "../driver/clients/client-context.ts";
import type { LatencyRecorder } from "../driver/latency-recorder.ts";
import type { Ledger } from "../driver/ledger.ts";
import type { TimelineWindow } from "../driver/traffic-timeline.ts";
import { diffTransportStats, type TransportStats } from "../driver/transport-stats.ts";
import { diffWire, type WireCounter, type WireSnapshot } from "../driver/wire-counter.ts";
import type { SelfCheckResult } from "../metrics/driver-self-check.ts";
import type { LatencyStats } from "../model/latency-stats.ts";
import type { DeliveryStats, DriverWorkerShare } from "../model/results.ts";
import { settlesWithin, sleep } from "../util/sleep.ts";
import type { ReceiptSnapshot } from "./snapshots.ts";

/** Time allowed for all clients to connect after the ramp has started the last one. */
export const CONNECT_GRACE_MS = 15_000;

/** How often the ramp loop wakes to start the clients whose turn has come. */
const RAMP_TICK_MS = 5;

/** What clients counted inside the measured window (one process's, or the merge of all). */
export interface WindowCounts {
  wire: WireSnapshot;
  timelines: TimelineWindow;
  statsStart: ClientStats;
  statsEnd: ClientStats;
  transport: TransportStats;
  h2OpenSessions: number;
}

/** What the clients did inside the measured window. */
export interface ClientWindow extends WindowCounts {
  /** Each driver worker's own health over the window; empty when the clients ran in process. */
  workerChecks: SelfCheckResult[];
}

/** The ledger's verdicts at the end of the run (after the drain). */
export interface ClientFinal {
  delivery: DeliveryStats;
  latency: LatencyStats & { histogram: string };
  receipts: ReceiptSnapshot;
  /** Per worker, for the results file; absent when the clients ran in process. */
  workers?: DriverWorkerShare[];
}

/** Live counters, for the progress line and the error-rate bound. */
export interface LiveCounters {
  requests: number;
  errors: number;
  delivered: number;
  connected: number;
}

export interface ClientSide {
  readonly clientCount: number;
  /**
   * Starts the clients evenly over `rampMs`, then waits (up to CONNECT_GRACE_MS) for each to
   * connect (first answer / first event). Resolves with how many connected.
   */
  startClients(
    rampMs: number,
    signal: AbortSignal,
  ): Promise<{ connected: number; allConnected: boolean }>;
  /** RSS of the process(es) that hold the clients, bytes. */
  driverRssBytes(): Promise<number>;
  /** The publisher published (user, seq): expected by the ledger that owns the user. */
  recordPublished(userId: string, seq: number, intendedAtUs: number): void;
  live(): LiveCounters;
  /** Opens the measured window at `atUs` (the run's clock). */
  openWindow(atUs: number): Promise<void>;
  closeWindow(): Promise<ClientWindow>;
  /** Every expected notification arrived or was announced gone. */
  allDelivered(): Promise<boolean>;
  final(): Promise<ClientFinal>;
  /** Stops every client; idempotent. */
  close(): Promise<void>;
}

/** The clients in this process: the rig's own ledger, wire counter and counters. */
export class InProcessClients implements ClientSide {
  #connected = 0;
  #statsStart: ClientStats | null = null;
  #wireStart: WireSnapshot | null = null;
  #transportStart: TransportStats | null = null;

  constructor(
    private readonly parts: {
      clients: readonly SimulatedClient[];
      ledger: Ledger;
      recorder: LatencyRecorder;
      wire: WireCounter;
      stats: ClientStats;
      transport: TransportStats;
      receipts: { unrecognized: number };
      h2OpenSessions: () => number;
    },
  ) {}

  get clientCount(): number {
    return this.parts.clients.length;
  }

  async startClients(
    rampMs: number,
    signal: AbortSignal,
  ): Promise<{ connected: number; allConnected: boolean }> {
    const clients = this.parts.clients;
    const connections: Promise<void>[] = [];
    await rampClients(clients.length, rampMs, signal, (i) => {
      const client = clients[i];
      if (!client) return;
      connections.push(
        client.start().then(() => {
          this.#connected += 1;
        }),
      );
    });
    const allConnected = await settlesWithin(Promise.all(connections), CONNECT_GRACE_MS, signal);
    return { connected: this.#connected, allConnected };
  }

  async driverRssBytes(): Promise<number> {
    return process.memoryUsage().rss;
  }

  recordPublished(userId: string, seq: number, intendedAtUs: number): void {
    this.parts.ledger.recordPublished(userId, seq, intendedAtUs);
  }

  live(): LiveCounters {
    const { stats, ledger } = this.parts;
    return {
      requests: stats.requests,
      errors: stats.errors,
      delivered: ledger.summary().delivered,
      connected: this.#connected,
    };
  }

  async openWindow(atUs: number): Promise<void> {
    const { ledger, wire, stats, transport } = this.parts;
    ledger.startWindow(atUs);
    this.#transportStart = { ...transport };
    this.#wireStart = wire.snapshot();
    wire.timelines.startWindow();
    this.#statsStart = copyClientStats(stats);
    // The longest backoff wait is a maximum, not a count: it is the window's from here on.
    stats.backoffMaxMs = 0;
  }

  async closeWindow(): Promise<ClientWindow> {
    const { ledger, wire, stats, transport } = this.parts;
    ledger.endWindow();
    const wireStart = this.#wireStart ?? wire.snapshot();
    return {
      wire: diffWire(wireStart, wire.snapshot()),
      timelines: wire.timelines.endWindow(),
      statsStart: this.#statsStart ?? copyClientStats(stats),
      statsEnd: copyClientStats(stats),
      transport: diffTransportStats(this.#transportStart ?? { ...transport }, { ...transport }),
      h2OpenSessions: this.parts.h2OpenSessions(),
      workerChecks: [],
    };
  }

  async allDelivered(): Promise<boolean> {
    return this.parts.ledger.allDelivered();
  }

  async final(): Promise<ClientFinal> {
    const { ledger, recorder, stats, receipts } = this.parts;
    return {
      delivery: ledger.summary(),
      latency: recorder.summary(),
      receipts: {
        foreignNotifications: stats.foreignNotifications,
        unrecognized: receipts.unrecognized,
      },
    };
  }

  async close(): Promise<void> {
    for (const client of this.parts.clients) client.stop();
  }
}

/**
 * Starts `count` clients spread evenly over `rampMs`: one pacing loop that wakes every few ms and
 * starts every client whose turn has come (one timer per client would cost 10,000 timers).
 */
export async function rampClients(
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
