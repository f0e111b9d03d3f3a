import type { ProgressState, RunPhase } from "../util/progress.ts";

export type ProgressUpdate = Pick<ProgressState, "phase" | "connected" | "delivered">;

/**
 * The run's progress line, reported by the phases as they go: `connected` counts up as
 * clients connect and stays live for every later phase.
 */
export class RunProgress {
  connected = 0;
  readonly #onProgress: (update: ProgressUpdate) => void;

  constructor(onProgress: (update: ProgressUpdate) => void) {
    this.#onProgress = onProgress;
  }

  report(phase: RunPhase, delivered: number): void {
    this.#onProgress({ phase, connected: this.connected, delivered });
  }
}
