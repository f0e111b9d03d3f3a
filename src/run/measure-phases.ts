/**
 * The phases from the first publish on, each returning what it measured as a plain snapshot:
 *
 *   publish warm-up (discarded) -> measured window -> stop publishing -> drain (bounded)
 *
 * Counters are snapshotted at the window's edges so requests, bytes and CPU describe the
 * window only; the ledger spans the whole run so every published seq is accounted for.
 */

import type { RunningPublisher } from "../driver/publisher.ts";
import { diffRedisInfo, type RedisInfo, readRedisInfo } from "../metrics/redis-info.ts";
import { errorRateAbortReason } from "../plan/safety.ts";
import { sleep } from "../util/sleep.ts";
import { mergeChecks } from "./driver-workers/merge.ts";
import type { Rig } from "./rig.ts";
import type { RunProgress } from "./run-progress.ts";
import type { DrainSnapshot, ReceiptSnapshot, RedisWindow, WindowSnapshot } from "./snapshots.ts";

/** Deliveries so far, for the progress line (with driver workers: as of their last status). */
function deliveredSoFar(rig: Rig): number {
  return rig.clientSide.live().delivered;
}

/** Publishing: one open-model schedule over warm-up + window; the warm-up is discarded. */
export async function warmUpPublishing(rig: Rig, progress: RunProgress): Promise<RunningPublisher> {
  const publisher = rig.startPublisher();
  progress.report("warm-up", 0);
  await sleep(rig.planned.params.warmupMs, rig.signal);
  return publisher;
}

/** The measured window, with every counter read at both edges. */
export async function measureWindow(rig: Rig, progress: RunProgress): Promise<WindowSnapshot> {
  const { selfCheck, infoRedisUrl, clientSide } = rig;
  const fleet = rig.sampledServers;
  const redisBefore = infoRedisUrl ? await readRedisInfo(infoRedisUrl) : null;
  await fleet?.markWindow();
  await rig.proxy?.markWindow();
  await clientSide.openWindow(rig.clock.nowUs());
  selfCheck.mark();
  const pollingStartUs = rig.publisherPollingUs();
  const windowStartMs = performance.now();
  const abortReason = await holdWindow(rig, progress, clientSide.live());
  const clients = await clientSide.closeWindow();
  rig.faultRun?.markWindowEnd();
  const measuredMs = performance.now() - windowStartMs;
  const fleetWindow = (await fleet?.stopWindow()) ?? null;
  const proxyWindow = (await rig.proxy?.stopWindow()) ?? null;
  // With driver workers the driver is several processes: reported merged, judged per process.
  const own = selfCheck.stop();
  const driver =
    clients.workerChecks.length === 0 ? own : mergeChecks([own, ...clients.workerChecks]);
  const publisherPollingUs = rig.publisherPollingUs() - pollingStartUs;
  const redisAfter = infoRedisUrl ? await readRedisInfo(infoRedisUrl) : null;
  const notes: string[] = [];
  const eventLoopLagGauges =
    (await fleet?.readGauge(
      "nodejs_eventloop_lag_p99_seconds",
      "at the end of the window",
      notes,
    )) ?? null;
  return {
    measuredMs,
    abortReason,
    wire: clients.wire,
    timelines: clients.timelines,
    statsStart: clients.statsStart,
    statsEnd: clients.statsEnd,
    fleet: fleetWindow,
    delivery: {
      path: rig.deliveryPath,
      proxy: proxyWindow,
      transport: clients.transport,
      h2OpenSessions: clients.h2OpenSessions,
    },
    driver,
    ...(clients.workerChecks.length > 0
      ? { driverProcesses: { coordinator: own, workers: clients.workerChecks } }
      : {}),
    publisherPollingUs,
    redisBefore,
    redisAfter,
    eventLoopLagGauges,
    notes,
  };
}

/**
 * Holds the window open for durationMs (and for a fault that outlasts it). A failing server
 * measures nothing: past the error-rate bound the window ends early and the run is recorded
 * invalid, and the bench goes on to the next run. Not in fault runs: errors are what a fault
 * causes, and its window is bounded anyway. Resolves with why it ended early, or null.
 */
async function holdWindow(
  rig: Rig,
  progress: RunProgress,
  statsStart: { requests: number; errors: number },
): Promise<string | null> {
  const { faultRun, signal } = rig;
  const windowAbort = new AbortController();
  let abortReason: string | null = null;
  const windowTimer = setInterval(() => {
    progress.report("measuring", deliveredSoFar(rig));
    if (faultRun) return;
    const live = rig.clientSide.live();
    abortReason ??= errorRateAbortReason(
      live.requests - statsStart.requests,
      live.errors - statsStart.errors,
    );
    if (abortReason !== null) windowAbort.abort(new Error(abortReason));
  }, 1000);
  progress.report("measuring", deliveredSoFar(rig));
  faultRun?.startWindow(signal);
  try {
    await sleep(rig.planned.params.durationMs, AbortSignal.any([signal, windowAbort.signal]));
    // A fault that outlasts the window (a slow restart) ends it.
    await faultRun?.waitForFault();
    return null;
  } catch (error) {
    if (signal.aborted || abortReason === null) throw error;
    return abortReason;
  } finally {
    clearInterval(windowTimer);
  }
}

/**
 * Stops publishing, then waits (bounded by drainMs) until every published seq has arrived;
 * with the final ledger, what arrived that it could not take.
 */
export async function drainDeliveries(
  rig: Rig,
  progress: RunProgress,
  publisher: RunningPublisher,
): Promise<{ drain: DrainSnapshot; receipts: ReceiptSnapshot }> {
  const { clientSide, signal } = rig;
  progress.report("draining", deliveredSoFar(rig));
  const publisherStats = await publisher.stop();
  const drainStartMs = performance.now();
  while (
    !(await clientSide.allDelivered()) &&
    performance.now() - drainStartMs < rig.planned.params.drainMs
  ) {
    await sleep(20, signal);
  }
  const drainedMs = performance.now() - drainStartMs;
  const final = await clientSide.final();
  const drain: DrainSnapshot = {
    drainedMs,
    publisher: publisherStats,
    delivery: final.delivery,
    latency: final.latency,
    ...(final.workers ? { workers: final.workers } : {}),
  };
  return { drain, receipts: final.receipts };
}

/**
 * The window's Redis cost from INFO at its edges. A Redis restarted inside the window (by a
 * fault that does so) reset its counters: no cost to report. Any other reset is an error.
 */
export function redisWindowCost(
  before: RedisInfo | null,
  after: RedisInfo | null,
  restartsRedis: boolean,
): RedisWindow {
  if (!before || !after) return { cost: null, restartedInWindow: false };
  try {
    return { cost: diffRedisInfo(before, after), restartedInWindow: false };
  } catch (error) {
    if (!restartsRedis) throw error;
    return { cost: null, restartedInWindow: true };
  }
}
