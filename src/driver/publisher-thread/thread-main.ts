/**
 * The publisher thread (worker_threads): the run's publisher on an event loop of its own.
 *
 * Why a thread: the precise timer polls the clock between event-loop turns, so a publish that
 * falls due while the loop runs an I/O callback waits for it. On the bench's own loop that
 * callback is the clients' work (a response to parse, a receipt to record), and the publisher's
 * issue lag p99 was 1.4-3.8 ms in `steady`; every microsecond of it lands in the measured
 * latency. Here the only callbacks are this thread's own Redis replies. Opt-in
 * (`PVP_PUBLISHER=thread`, src/run/rig.ts says why).
 *
 * It opens its own notification source on the run's Redis and key prefix, fires the schedule
 * it is sent, and posts each accepted publish back in batches (at most FLUSH_MS late; the
 * ledger takes a receipt that beats its publish record). "stopped" comes after the last batch.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openNotificationSource } from "../../notifications/notification-source.ts";
import type { NotificationSource } from "../../notifications/types.ts";
import { clockOnAxisOf } from "../clock.ts";
import { type PublishPlan, startPlannedPublisher } from "../publish-plan.ts";
import type { RunningPublisher } from "../publisher.ts";
import type {
  FromPublisherThread,
  PublisherThreadInit,
  PublishRecord,
  ToPublisherThread,
} from "./protocol.ts";

/** Longest a publish record waits before it is posted, ms. */
const FLUSH_MS = 2;
/** How often the bench gets fresh stats (its self-check reads the timer's polling time). */
const STATS_MS = 50;

const port = parentPort;
if (port === null) throw new Error("thread-main.ts runs as a worker thread only");
const init = workerData as PublisherThreadInit;
const clock = clockOnAxisOf(init.clockOriginNs);

const post = (message: FromPublisherThread): void => port.postMessage(message);

let source: NotificationSource | null = null;
let publisher: RunningPublisher | null = null;
let records: PublishRecord[] = [];
let flushTimer: NodeJS.Timeout | null = null;
let statsTimer: NodeJS.Timeout | null = null;

const flush = (): void => {
  if (flushTimer !== null) clearTimeout(flushTimer);
  flushTimer = null;
  if (records.length === 0) return;
  post({ type: "published", records });
  records = [];
};

function begin(plan: PublishPlan): void {
  const opened = source;
  if (opened === null || publisher !== null) return;
  publisher = startPlannedPublisher(plan, {
    publish: (userId, payload) => opened.publish(userId, payload),
    clock,
    onPublished: (userId, seq, intendedAtUs) => {
      records.push([userId, seq, intendedAtUs]);
      flushTimer ??= setTimeout(flush, FLUSH_MS);
    },
  });
  const running = publisher;
  statsTimer = setInterval(() => post({ type: "stats", stats: running.stats() }), STATS_MS);
}

let stopping: Promise<void> | null = null;
/** Idempotent: "close" stops first too. */
function stop(): Promise<void> {
  stopping ??= stopPublishing();
  return stopping;
}

async function stopPublishing(): Promise<void> {
  if (statsTimer !== null) clearInterval(statsTimer);
  statsTimer = null;
  const stats = publisher === null ? null : await publisher.stop();
  flush();
  if (stats !== null) post({ type: "stopped", stats });
}

port.on("message", (message: ToPublisherThread) => {
  if (message.type === "start") begin(message.plan);
  else if (message.type === "stop") void stop();
  else {
    // process.exit in a worker thread ends the thread, not the bench.
    void stop()
      .then(() => source?.close())
      .finally(() => process.exit(0));
  }
});

openNotificationSource({
  redisUrl: init.redisUrl,
  keyPrefix: init.keyPrefix,
  ...(init.historyMaxLen !== undefined ? { historyMaxLen: init.historyMaxLen } : {}),
  ...(init.readyTimeoutMs !== undefined ? { readyTimeoutMs: init.readyTimeoutMs } : {}),
}).then(
  (opened) => {
    source = opened;
    post({ type: "ready" });
  },
  (error: unknown) => {
    post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  },
);
