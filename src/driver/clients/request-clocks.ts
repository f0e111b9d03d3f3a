/**
 * The clocks of one HTTP request, for the time bounds of ClientBounds: the first response byte
 * (from sending the request, connect included), the end of the headers (from that first byte),
 * and the end of the answer (from sending). Each clock, when it runs out, reports its reason once;
 * the caller ends the connection. The answer clock is suspended while the client reads slowly
 * on purpose (a slow-consumer fault), and starts afresh after: the slowness is ours, not the
 * server's.
 */
import type http from "node:http";
import type { Socket } from "node:net";
import { formatMs } from "./client-bounds.ts";
import type { ReadThrottle } from "./read-throttle.ts";

export interface RequestClocks {
  /** The response headers are in: the first-byte and header clocks stop. */
  headersArrived(): void;
  /** The request is over (answered, failed or cut): every clock stops. */
  done(): void;
}

export interface RequestClockOptions {
  /** Request -> first response byte, ms. */
  firstByteMs: number;
  /** First response byte -> end of headers, ms. */
  headerMs: number;
  /** Request -> end of the answer, ms; null for a stream (its idle clock is the client's). */
  answerMs: number | null;
  throttle: ReadThrottle;
  /** A clock ran out; called at most once. */
  onTimeout(reason: string): void;
}

export function startRequestClocks(
  req: http.ClientRequest,
  options: RequestClockOptions,
): RequestClocks {
  let over = false;
  /** The headers are in. (The parser emits `response` from inside the socket's `data` event, so
   * our own `data` listener may still run for that very chunk after it was removed.) */
  let headersIn = false;
  let socket: Socket | null = null;
  let firstByte: NodeJS.Timeout | undefined;
  let headers: NodeJS.Timeout | undefined;
  let answer: NodeJS.Timeout | undefined;

  const timeout = (reason: string): void => {
    if (over) return;
    stop();
    options.onTimeout(reason);
  };
  const onFirstData = (): void => {
    clearTimeout(firstByte);
    firstByte = undefined;
    if (over || headersIn || headers !== undefined) return;
    headers = setTimeout(
      () => timeout(`headers not complete within ${formatMs(options.headerMs)}`),
      options.headerMs,
    );
  };
  const onSocket = (s: Socket): void => {
    socket = s;
    s.once("data", onFirstData);
  };
  const stopHeaderClocks = (): void => {
    headersIn = true;
    clearTimeout(firstByte);
    clearTimeout(headers);
    firstByte = undefined;
    headers = undefined;
    socket?.removeListener("data", onFirstData);
    req.removeListener("socket", onSocket);
  };
  const stop = (): void => {
    over = true;
    stopHeaderClocks();
    clearTimeout(answer);
    answer = undefined;
  };

  firstByte = setTimeout(
    () => timeout(`no answer within ${formatMs(options.firstByteMs)}`),
    options.firstByteMs,
  );
  req.on("socket", onSocket);
  if (options.answerMs !== null) {
    const answerMs = options.answerMs;
    let startedAt = performance.now();
    const check = (): void => {
      // Reading slowly on purpose: the server is not late, we are. The clock starts afresh
      // once reading is back to full speed.
      if (options.throttle.bytesPerSec !== null) {
        startedAt = performance.now();
        answer = setTimeout(check, answerMs);
        return;
      }
      const left = answerMs - (performance.now() - startedAt);
      if (left > 1) answer = setTimeout(check, left);
      else timeout(`answer not complete within ${formatMs(answerMs)}`);
    };
    answer = setTimeout(check, answerMs);
  }
  return {
    headersArrived: stopHeaderClocks,
    done: stop,
  };
}
