/**
 * The bench's side of the publisher thread (thread-main.ts says why it exists): started with
 * the rig, before the clients connect, so its module load and Redis connection cost nothing
 * in the run's phases; `begin()` then starts the schedule and returns the same
 * `RunningPublisher` the in-process publisher gives, fed from the thread's messages.
 */
import { Worker } from "node:worker_threads";
import { compiledScript } from "../../util/compiled-script.ts";
import { clockOriginNs } from "../clock.ts";
import type { PublishPlan } from "../publish-plan.ts";
import { emptyPublisherStats, type PublisherStats, type RunningPublisher } from "../publisher.ts";
import type { FromPublisherThread, PublisherThreadInit, ToPublisherThread } from "./protocol.ts";

const THREAD_SCRIPT = "src/driver/publisher-thread/thread-main.ts";

/** Longest wait for the thread to connect to Redis, and for it to end once closed, ms. */
export const PUBLISHER_THREAD_TIMEOUT_MS = 10_000;

export interface PublisherThreadOptions {
  redisUrl: string;
  keyPrefix: string;
  historyMaxLen?: number;
  /** How long the thread waits for Redis before it gives up, ms (default: the source's 5 s). */
  readyTimeoutMs?: number;
}

export class PublisherThread {
  readonly #worker: Worker;
  #stats: PublisherStats = emptyPublisherStats();
  #onPublished: ((userId: string, seq: number, intendedAtUs: number) => void) | null = null;
  #stopped: ((stats: PublisherStats) => void) | null = null;
  #failure: Error | null = null;
  #exited: Promise<void>;

  /** Starts the thread and waits until it has connected to Redis. */
  static async start(options: PublisherThreadOptions): Promise<PublisherThread> {
    const init: PublisherThreadInit = {
      redisUrl: options.redisUrl,
      keyPrefix: options.keyPrefix,
      ...(options.historyMaxLen !== undefined ? { historyMaxLen: options.historyMaxLen } : {}),
      ...(options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
      clockOriginNs: clockOriginNs().toString(),
    };
    const worker = new Worker(await compiledScript(THREAD_SCRIPT), { workerData: init });
    const thread = new PublisherThread(worker);
    await thread.#ready().catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    return thread;
  }

  private constructor(worker: Worker) {
    this.#worker = worker;
    this.#exited = new Promise((resolve) => worker.once("exit", () => resolve()));
    worker.on("message", (message: FromPublisherThread) => this.#receive(message));
    worker.on("error", (error) => {
      this.#failure = new Error(`the publisher thread failed: ${error.message}`);
    });
  }

  #ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `the publisher thread did not connect to Redis within ${PUBLISHER_THREAD_TIMEOUT_MS} ms`,
            ),
          ),
        PUBLISHER_THREAD_TIMEOUT_MS,
      );
      const onMessage = (message: FromPublisherThread): void => {
        if (message.type === "ready") settle(null);
        else if (message.type === "failed") {
          settle(new Error(`the publisher thread could not open Redis: ${message.message}`));
        }
      };
      const onExit = (code: number): void =>
        settle(new Error(`the publisher thread exited (code ${code}) before it was ready`));
      const settle = (error: Error | null): void => {
        clearTimeout(timer);
        this.#worker.off("message", onMessage);
        this.#worker.off("exit", onExit);
        if (error === null) resolve();
        else reject(error);
      };
      this.#worker.on("message", onMessage);
      this.#worker.once("exit", onExit);
    });
  }

  #receive(message: FromPublisherThread): void {
    switch (message.type) {
      case "published":
        for (const [userId, seq, intendedAtUs] of message.records) {
          this.#onPublished?.(userId, seq, intendedAtUs);
        }
        return;
      case "stats":
        this.#stats = message.stats;
        return;
      case "stopped":
        this.#stats = message.stats;
        this.#stopped?.(message.stats);
        this.#stopped = null;
        return;
      default:
        return;
    }
  }

  #send(message: ToPublisherThread): void {
    this.#worker.postMessage(message);
  }

  /**
   * Starts the plan (intended times on this process's clock) and returns its handle;
   * `onPublished` is called here, in order, for every publish Redis accepted.
   */
  begin(
    plan: PublishPlan,
    onPublished: (userId: string, seq: number, intendedAtUs: number) => void,
  ): RunningPublisher {
    this.#onPublished = onPublished;
    this.#send({ type: "start", plan });
    return {
      stats: () => this.#stats,
      stop: () => this.#stop(),
    };
  }

  #stopping: Promise<PublisherStats> | null = null;

  /** Idempotent: the drain stops the publisher and the rig's close() stops it again. */
  #stop(): Promise<PublisherStats> {
    this.#stopping ??= this.#stopOnce();
    return this.#stopping;
  }

  #stopOnce(): Promise<PublisherStats> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      const onExit = (): void =>
        reject(this.#failure ?? new Error("the publisher thread exited before it stopped"));
      this.#worker.once("exit", onExit);
      this.#stopped = (stats) => {
        this.#worker.off("exit", onExit);
        resolve(stats);
      };
      this.#send({ type: "stop" });
    });
  }

  /** Stops publishing if it still is, closes the thread's Redis connection, ends the thread. */
  async close(): Promise<void> {
    this.#send({ type: "close" });
    const ended = await Promise.race([
      this.#exited.then(() => true),
      new Promise<boolean>((resolve) =>
        setTimeout(() => resolve(false), PUBLISHER_THREAD_TIMEOUT_MS).unref(),
      ),
    ]);
    if (!ended) await this.#worker.terminate();
  }
}
