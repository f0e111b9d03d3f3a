/**
 * What both test readers (sse-test-reader.ts, websocket-test-reader.ts) record and how a case
 * waits on it, so the two push strategies are asserted through the same calls.
 */

/** One received event: an SSE event, or a WebSocket message in the same shape. */
export interface ReceivedEvent {
  event: string;
  id: string | undefined;
  data: string;
}

export abstract class PushEventRecorder {
  readonly events: ReceivedEvent[] = [];
  /** The stream or socket ended (closed, cut or failed). */
  ended = false;

  /** `readerName` starts a timeout's message, e.g. "SSE reader". */
  protected constructor(private readonly readerName: string) {}

  pushes(): ReceivedEvent[] {
    return this.events.filter((e) => e.event === "push");
  }

  /** The id of the last complete `push` event (what a client resumes from). */
  lastPushId(): string | undefined {
    return this.pushes().at(-1)?.id;
  }

  /** Polls `predicate` every 10 ms; rejects with `what` after `timeoutMs`. */
  async waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline)
        throw new Error(`${this.readerName}: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
