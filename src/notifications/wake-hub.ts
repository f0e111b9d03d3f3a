/**
 * In-memory fan-out of wake-up hints: many HTTP clients share one Redis subscription.
 * A hint only says "this user's stream may have changed"; listeners re-read from their cursor.
 */
import type { WakeListener } from "./types.ts";

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
    const entry: WakeListener = () => listener();
    listeners.add(entry);
    return () => {
      const current = this.byUser.get(userId);
      if (!current) return;
      current.delete(entry);
      if (current.size === 0) this.byUser.delete(userId);
    };
  }

  wake(userId: string): void {
    const listeners = this.byUser.get(userId);
    if (!listeners) return;
    for (const listener of [...listeners]) callSafely(listener);
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

function callSafely(listener: WakeListener): void {
  try {
    listener();
  } catch (error) {
    // A broken listener must not stop the fan-out to the others.
    process.stderr.write(`wake listener failed: ${(error as Error).message}\n`);
  }
}
