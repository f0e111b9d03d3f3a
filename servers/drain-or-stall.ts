/**
 * Waiting for a full socket to drain, with the stall rule both push strategies share (SSE and
 * WebSocket): the clock restarts while the client takes something (the unsent backlog shrank),
 * so only a client that took nothing for `stallMs` is declared stalled.
 */
import type { EventEmitter } from "node:events";

export interface DrainWait {
  /** Emits "drain" and "close" (the HTTP response for SSE, the raw socket for WebSocket). */
  emitter: EventEmitter;
  /** Bytes not yet taken by the client, now. */
  unsentBytes(): number;
  stallMs: number;
  /** Called once when the client took nothing for `stallMs`, before the promise rejects. */
  onStall(unsentBytes: number): void;
}

/** Resolves on 'drain'; rejects on 'close' or a stall ("stream closed" / "stream stalled"). */
export function waitForDrainOrStall({
  emitter,
  unsentBytes,
  stallMs,
  onStall,
}: DrainWait): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let unsentAtStart = unsentBytes();
    const settle = () => {
      clearTimeout(timer);
      emitter.off("drain", onDrain);
      emitter.off("close", onClose);
    };
    const onDrain = () => {
      settle();
      resolve();
    };
    const onClose = () => {
      settle();
      reject(new Error("stream closed"));
    };
    const check = () => {
      const unsent = unsentBytes();
      if (unsent < unsentAtStart) {
        unsentAtStart = unsent;
        timer = setTimeout(check, stallMs);
        return;
      }
      settle();
      onStall(unsent);
      reject(new Error("stream stalled"));
    };
    timer = setTimeout(check, stallMs);
    emitter.once("drain", onDrain);
    emitter.once("close", onClose);
  });
}
