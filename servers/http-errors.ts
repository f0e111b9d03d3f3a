/**
 * Every error leaves as JSON `{error, detail}` with a 4xx/503 status: no HTML, no stack traces.
 * Express 5's default handler prints stacks, so the shell installs errorHandler() last.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from "express";

/** A client mistake (or an outage) with the status and the message to send back. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly error: string,
    readonly detail: string,
  ) {
    super(`${error}: ${detail}`);
  }
}

export function badRequest(error: string, detail: string): HttpError {
  return new HttpError(400, error, detail);
}

export function sendError(res: Response, status: number, error: string, detail: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (status === 503) res.setHeader("Retry-After", "1");
  res.status(status).json({ error, detail });
}

/** Redis being unreachable is the only expected server-side failure: 503, retry in 1 s. */
export function sendUnavailable(res: Response): void {
  sendError(
    res,
    503,
    "redis unavailable",
    "the notification store is unreachable; retry after the Retry-After delay",
  );
}

/** Seconds a client over its per-user delivery cap should wait before retrying. */
export const PER_USER_RETRY_AFTER_S = 5;

/** 429: the user already holds `limit` delivery connections. */
export function sendTooManyForUser(res: Response, limit: number): void {
  res.setHeader("Retry-After", String(PER_USER_RETRY_AFTER_S));
  sendError(
    res,
    429,
    "too many connections for this user",
    `this user id already has ${limit} open long polls / SSE streams (maxDeliveryPerUser, ` +
      "--max-per-user); close one (e.g. another tab) or retry after the Retry-After delay",
  );
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(
    res,
    404,
    "not found",
    `no route for ${req.method} ${req.path}; see docs/architecture.md`,
  );
};

/** Maps body-parser and router errors (which carry `status` and `type`) to JSON. */
export function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof HttpError) {
      sendError(res, err.status, err.error, err.detail);
      return;
    }
    const status = typeof err?.status === "number" ? err.status : 500;
    switch (err?.type) {
      case "entity.too.large":
        sendError(res, 413, "body too large", `the JSON body must be at most ${err.limit} bytes`);
        return;
      case "entity.parse.failed":
        sendError(
          res,
          400,
          "body is not JSON",
          "send a JSON object with Content-Type: application/json",
        );
        return;
      case "encoding.unsupported":
      case "charset.unsupported":
        sendError(res, 415, "unsupported encoding", "send the body as uncompressed UTF-8 JSON");
        return;
      case "request.aborted":
      case "request.size.invalid":
        sendError(
          res,
          400,
          "body incomplete",
          "the request body ended before Content-Length bytes",
        );
        return;
    }
    if (status >= 400 && status < 500) {
      // e.g. a malformed %-escape in the path (decodeURIComponent failure in the router).
      sendError(
        res,
        status,
        "bad request",
        "the request could not be parsed; check the URL encoding",
      );
      return;
    }
    log(`internal error: ${err instanceof Error ? err.message : String(err)}`);
    sendError(res, 500, "internal error", "the server failed unexpectedly; the log has the reason");
  };
}
