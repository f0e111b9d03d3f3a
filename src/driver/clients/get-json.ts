/**
 * One GET returning JSON, on the counted agent, read through the client's throttle. A request
 * on a kept-alive socket that the server closed meanwhile (ECONNRESET before any answer) is sent
 * once more, as browsers and Node's own docs do. The outcome tells a network-level failure
 * (the client may fail over to another endpoint) from an answer the server gave.
 */
import http from "node:http";
import { type ClientStats, describeNetworkError } from "./client-context.ts";
import type { ReadThrottle } from "./read-throttle.ts";

export type JsonOutcome =
  | { kind: "answer"; status: number; retryAfter: string | undefined; body: unknown }
  /** The server answered, but not with JSON. */
  | { kind: "bad-answer"; status: number; reason: string }
  /** Refused, reset, hung up, or cut mid-body: no complete answer. */
  | { kind: "network-error"; reason: string };

export interface JsonRequest {
  readonly outcome: Promise<JsonOutcome>;
  /** Destroys the request and its socket; the outcome then never settles as an answer. */
  abort(): void;
}

export function getJson(
  stats: ClientStats,
  agent: http.Agent,
  url: URL,
  throttle: ReadThrottle,
  /** Called once the request has been written to a connected socket (the server has it). */
  onSent?: () => void,
): JsonRequest {
  let aborted = false;
  let current: http.ClientRequest | undefined;
  const outcome = new Promise<JsonOutcome>((resolve) => {
    const send = (isRetry: boolean): void => {
      stats.requests += 1;
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method: "GET",
          agent,
          headers: { accept: "application/json" },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => {
            chunks.push(chunk);
            throttle.consume(res, chunk.length);
          });
          res.on("error", (error) =>
            resolve({ kind: "network-error", reason: describeNetworkError(error) }),
          );
          // A body cut short (server killed mid-answer) ends in close without end.
          res.on("close", () => {
            if (!res.complete) {
              resolve({ kind: "network-error", reason: "network error: answer cut short" });
            }
          });
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown = null;
            try {
              body = text.length > 0 ? JSON.parse(text) : null;
            } catch {
              resolve({ kind: "bad-answer", status, reason: `HTTP ${status}, answer is not JSON` });
              return;
            }
            resolve({ kind: "answer", status, retryAfter: res.headers["retry-after"], body });
          });
        },
      );
      current = req;
      if (onSent) req.once("finish", onSent);
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (!aborted && !isRetry && req.reusedSocket && error.code === "ECONNRESET") {
          stats.staleSocketRetries += 1;
          send(true);
          return;
        }
        resolve({ kind: "network-error", reason: describeNetworkError(error) });
      });
      req.end();
    };
    send(false);
  });
  return {
    outcome,
    abort() {
      // Set first: destroying a reused socket raises ECONNRESET, which must not be re-sent.
      aborted = true;
      current?.destroy();
    },
  };
}
