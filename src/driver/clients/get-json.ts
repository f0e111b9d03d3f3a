/**
 * One GET returning JSON, on the counted agent, read through the client's throttle. A request
 * on a kept-alive socket that the server closed meanwhile (ECONNRESET before any answer) is sent
 * once more, as browsers and Node's own docs do. The outcome tells a network-level failure
 * (the client may fail over to another endpoint) from an answer the server gave.
 *
 * Bounded (ClientBounds): headers (`maxHeaderSize`), time to the first byte, to the end of the
 * headers and to the end of the answer, and the body's size (announced or read). Crossing one
 * ends the request and its socket at once, so no answer can grow the driver without end. A
 * redirect is never followed: the bench measures the URL it was given.
 */
import { isUtf8 } from "node:buffer";
import type http from "node:http";
import { type ClientBounds, formatBytes } from "./client-bounds.ts";
import { type ClientStats, describeNetworkError } from "./client-context.ts";
import type { ReadThrottle } from "./read-throttle.ts";
import { startRequestClocks } from "./request-clocks.ts";
import { type SendRequest, sendHttp1Request } from "./send-request.ts";

export type JsonOutcome =
  | {
      kind: "answer";
      status: number;
      retryAfter: string | undefined;
      body: unknown;
      /** The body was not valid UTF-8 (decoded with U+FFFD, as a browser's fetch would). */
      invalidUtf8: boolean;
      /** The answer's Last-Modified and ETag (header cursors, `--target-cursor headers`). */
      cursorHeaders?: { lastModified?: string; etag?: string };
    }
  /** The server answered, but not with JSON, or crossed a size bound, or redirected. */
  | { kind: "bad-answer"; status: number; reason: string }
  /** Refused, reset, hung up, cut mid-body, or too slow: no complete answer. */
  | { kind: "network-error"; reason: string };

export interface JsonRequest {
  readonly outcome: Promise<JsonOutcome>;
  /** Destroys the request and its socket; the outcome then never settles as an answer. */
  abort(): void;
}

export interface GetJsonOptions {
  stats: ClientStats;
  agent: http.Agent;
  url: URL;
  throttle: ReadThrottle;
  bounds: ClientBounds;
  /** Long polling: the server may hold the request this long before it answers (0 otherwise). */
  holdMs?: number;
  /** Called once the request has been written to a connected socket (the server has it). */
  onSent?: () => void;
  /** How the GET is sent (default: HTTP/1.1 on `agent`; the run may use HTTP/2). */
  sendRequest?: SendRequest;
  /**
   * Header cursors: sent as If-Modified-Since / If-None-Match, and a 304 Not Modified is then an
   * answer ("nothing new"), not a redirect.
   */
  cursorHeaders?: { lastModified?: string; etag?: string };
}

/** The reason for a redirect: never followed, and said so. */
export function redirectReason(status: number, location: string | undefined): string {
  return location === undefined || location === ""
    ? `HTTP ${status} redirect without a Location, not followed`
    : `redirect to ${location} not followed (the bench measures the URL it was given)`;
}

export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

export function getJson(options: GetJsonOptions): JsonRequest {
  const { stats, agent, url, throttle, bounds } = options;
  const holdMs = options.holdMs ?? 0;
  let aborted = false;
  let current: http.ClientRequest | undefined;
  let stopClocks: (() => void) | undefined;
  const outcome = new Promise<JsonOutcome>((resolve) => {
    let settled = false;
    const send = (isRetry: boolean): void => {
      stats.requests += 1;
      const sentCursor = options.cursorHeaders;
      const req = (options.sendRequest ?? sendHttp1Request)(url, {
        agent,
        headers: {
          accept: "application/json",
          ...(sentCursor?.lastModified ? { "if-modified-since": sentCursor.lastModified } : {}),
          ...(sentCursor?.etag !== undefined ? { "if-none-match": sentCursor.etag } : {}),
        },
        maxHeaderSize: bounds.maxHeaderBytes,
      });
      current = req;
      /** Settles the outcome once; a bound crossed also ends the request and its socket. */
      const finish = (result: JsonOutcome, cut = false): void => {
        clocks.done();
        if (settled) return;
        settled = true;
        if (cut) {
          aborted = true;
          req.destroy();
        }
        resolve(result);
      };
      const clocks = startRequestClocks(req, {
        firstByteMs: holdMs + bounds.firstByteTimeoutMs,
        headerMs: bounds.headerTimeoutMs,
        answerMs: holdMs + bounds.answerTimeoutMs,
        throttle,
        onTimeout: (reason) => finish({ kind: "network-error", reason }, true),
      });
      stopClocks = clocks.done;
      req.on("response", (res) => {
        clocks.headersArrived();
        const status = res.statusCode ?? 0;
        const cursorHeaders = {
          ...(typeof res.headers["last-modified"] === "string"
            ? { lastModified: res.headers["last-modified"] }
            : {}),
          ...(typeof res.headers.etag === "string" ? { etag: res.headers.etag } : {}),
        };
        if (status === 304 && options.cursorHeaders !== undefined) {
          res.resume();
          res.once("end", () =>
            finish({
              kind: "answer",
              status,
              retryAfter: undefined,
              body: null,
              invalidUtf8: false,
              cursorHeaders,
            }),
          );
          return;
        }
        if (isRedirect(status)) {
          finish(
            { kind: "bad-answer", status, reason: redirectReason(status, res.headers.location) },
            true,
          );
          return;
        }
        const tooBig = (): JsonOutcome => ({
          kind: "bad-answer",
          status,
          reason: `poll answer over ${formatBytes(bounds.maxBodyBytes)}`,
        });
        const announced = Number(res.headers["content-length"]);
        if (Number.isFinite(announced) && announced > bounds.maxBodyBytes) {
          finish(tooBig(), true);
          return;
        }
        const chunks: Buffer[] = [];
        let received = 0;
        res.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received > bounds.maxBodyBytes) {
            chunks.length = 0;
            finish(tooBig(), true);
            return;
          }
          chunks.push(chunk);
          throttle.consume(res, chunk.length);
        });
        // A body cut short (server killed mid-answer, connection reset) ends in an "aborted"
        // error, or in close without end.
        const cutShort = (): void =>
          finish({ kind: "network-error", reason: "network error: answer cut short" });
        res.on("error", cutShort);
        res.on("close", () => {
          if (!res.complete) cutShort();
        });
        res.on("end", () => {
          const bytes = Buffer.concat(chunks);
          chunks.length = 0;
          if (status < 200 || status >= 300) {
            // An error answer's body is not read for meaning (a proxy's HTML page is common);
            // its status and Retry-After are.
            const retryAfter = res.headers["retry-after"];
            finish({ kind: "answer", status, retryAfter, body: null, invalidUtf8: false });
            return;
          }
          const text = bytes.toString("utf8");
          let body: unknown = null;
          try {
            body = text.length > 0 ? JSON.parse(text) : null;
          } catch {
            finish({ kind: "bad-answer", status, reason: `HTTP ${status}, answer is not JSON` });
            return;
          }
          finish({
            kind: "answer",
            status,
            retryAfter: res.headers["retry-after"],
            body,
            invalidUtf8: !isUtf8(bytes),
            cursorHeaders,
          });
        });
      });
      if (options.onSent) req.once("finish", options.onSent);
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (!aborted && !isRetry && req.reusedSocket && error.code === "ECONNRESET") {
          clocks.done();
          stats.staleSocketRetries += 1;
          send(true);
          return;
        }
        finish({ kind: "network-error", reason: describeRequestError(error, bounds) });
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
      stopClocks?.();
      current?.destroy();
    },
  };
}

/** A request error, naming the header bound when that is what Node's parser refused. */
export function describeRequestError(
  error: NodeJS.ErrnoException,
  bounds: Pick<ClientBounds, "maxHeaderBytes">,
): string {
  if (error.code === "HPE_HEADER_OVERFLOW") {
    return `response headers over ${formatBytes(bounds.maxHeaderBytes)}`;
  }
  return describeNetworkError(error);
}
