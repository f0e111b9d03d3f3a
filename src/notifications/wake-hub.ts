/**
 * In-memory fan-out of wake-up hints: many HTTP clients share one Redis subscription.
 * A hint says "this user's stream may have changed" and may carry the new entry; listeners
 * decide whether it continues their cursor or they must re-read (cursor-follower.ts).
 */
import type { HintedEntry, WakeListener } from "./types.ts";

export class WakeHub {
  private readonly byUser = new Map<string, Set<WakeListener>>();

  /** Registers `listener` for `userId`; returns the function that removes it (idempotent). */
  add(userId: string, listener: WakeListener): () => void {
    let listeners = this.byUser.get(userId);
    if (!listeners) {
      listeners = new Set();
      this.byUser.set(userId, listeners);
    }
    // Wrap so the same function registered twice stays two registrations.
    const entry: WakeListener = (hinted) => listener(hinted);
    listeners.add(entry);
    return () => {
      const current = this.byUser.get(userId);
      if (!current) return;
      current.delete(entry);
      if (current.size === 0) this.byUser.delete(userId);
    };
  }

  wake(userId: string, hinted?: HintedEntry): void {
    const listeners = this.byUser.get(userId);
    if (!listeners) return;
    for (const listener of [...listeners]) callSafely(listener, hinted);
  }

  /** After a reconnect every listener may have missed hints. */
  wakeAll(): void {
    for (const listeners of [...this.byUser.values()]) {
      for (const listener of [...listeners]) callSafely(listener);
    }
  }

  clear(): void {
    this.byUser.clear();
  }

  get listenerCount(): number {
    let total = 0;
    for (const listeners of this.byUser.values()) total += listeners.size;
    return total;
  }
}

function callSafely(listener: WakeListener, hinted?: HintedEntry): void {
  try {
    listener(hinted);
  } catch (error) {
    // A broken listener must not stop the fan-out to the others.
    process.stderr.write(`wake listener failed: ${(error as Error).message}\n`);
  }
}
