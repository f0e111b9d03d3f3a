/**
 * The reconnect loop both push scripts share (sse.ts, websocket.ts): until the receiver's end,
 * open one connection (it blocks the VU until it ends), record at most one error per
 * connection, then wait the reconnect delay and open the next, counted as a reconnect. Pure: k6's
 * sleep and the metric recording come in as functions (common.ts, runPushReceiver), so this
 * runs unchanged in k6 and is unit-tested in Node.
 */

export interface PushReceiverLoop {
  /** Absolute epoch ms at which the receiver stops reconnecting. */
  endAtMs: number;
  /** Wait between a connection's end and the next one, in ms (cut short at endAtMs). */
  reconnectDelayMs: number;
  /** Called right before each connection; `isReconnect` from the second one on. */
  onConnect(isReconnect: boolean): void;
  /** Records one failed connection. */
  onError(what: string): void;
  /** Holds one connection until it ends; `fail` records the first failure of it only. */
  connect(fail: (what: string) => void): void;
  /** Blocks for `ms` milliseconds (k6: sleep(ms / 1000)). */
  sleepMs(ms: number): void;
}

export function runPushReceiverLoop(loop: PushReceiverLoop): void {
  let connections = 0;
  while (Date.now() < loop.endAtMs) {
    loop.onConnect(connections > 0);
    connections += 1;
    let failed = false;
    const fail = (what: string): void => {
      if (!failed) loop.onError(what);
      failed = true;
    };
    loop.connect(fail);
    const waitMs = Math.min(loop.reconnectDelayMs, loop.endAtMs - Date.now());
    if (waitMs > 0) loop.sleepMs(waitMs);
  }
}
