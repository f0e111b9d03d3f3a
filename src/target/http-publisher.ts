/**
 * Publishes to an external server (`--publish-url`): one HTTP POST per notification, the
 * payload as the JSON body, as-is. The socket pool is bounded so a slow target makes publishes
 * queue and time out (and show up as failed publishes) instead of opening ever more sockets.
 */
import http from "node:http";
import type { NotificationPayload } from "../notifications/types.ts";
import type { UrlTemplate } from "./url-template.ts";

/** A publish that has not been answered after this long counts as failed. */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 10_000;
/** Concurrent publish connections; more publishes than this wait for a free socket. */
export const DEFAULT_PUBLISH_MAX_SOCKETS = 64;
/** How much of an error answer's body the message quotes. */
export const ERROR_BODY_EXCERPT_CHARS = 200;
/** Bytes of an error answer's body kept for the excerpt; the rest is read and dropped. */
const MAX_ERROR_BODY_BYTES = 4_096;

export interface HttpPublisherOptions {
  template: UrlTemplate;
  /** From the publish call to the end of the answer, queueing for a socket included. */
  timeoutMs?: number;
  maxSockets?: number;
}

export interface HttpPublisher {
  /** POSTs `payload` as JSON to the template expanded for `userId`; rejects unless 2xx. */
  publish(userId: string, payload: NotificationPayload): Promise<void>;
  /** Destroys the pooled sockets; publishes in flight reject, later ones reject at once. */
  close(): void;
}

export function createHttpPublisher(options: HttpPublisherOptions): HttpPublisher {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
  const maxSockets = options.maxSockets ?? DEFAULT_PUBLISH_MAX_SOCKETS;
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  let closed = false;

  function publish(userId: string, payload: NotificationPayload): Promise<void> {
    let url: URL;
    try {
      url = options.template.expand({ userId });
    } catch (error) {
      return Promise.reject(error);
    }
    if (closed) return Promise.reject(new Error(`POST ${url.href} not sent: publisher closed`));
    const body = Buffer.from(JSON.stringify(payload));
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const req = http.request(
        url,
        {
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": body.length,
            accept: "application/json",
          },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          const chunks: Buffer[] = [];
          let kept = 0;
          res.on("data", (chunk: Buffer) => {
            // Read every byte (so a keep-alive socket can be reused) but keep only the start.
            if (ok || kept >= MAX_ERROR_BODY_BYTES) return;
            chunks.push(chunk);
            kept += chunk.length;
          });
          res.once("end", () => {
            if (ok) finish();
            else {
              const reason = res.statusMessage ? ` ${res.statusMessage}` : "";
              const excerpt = bodyExcerpt(Buffer.concat(chunks).toString("utf8"));
              finish(new Error(`POST ${url.href} answered ${status}${reason}: ${excerpt}`));
            }
          });
          res.once("error", (error) =>
            finish(new Error(`POST ${url.href} failed: ${error.message}`)),
          );
          res.once("close", () => {
            if (!res.complete) {
              finish(new Error(`POST ${url.href} failed: the answer (${status}) was cut short`));
            }
          });
        },
      );
      const timer = setTimeout(() => {
        finish(new Error(`POST ${url.href} timed out after ${timeoutMs} ms`));
        req.destroy();
      }, timeoutMs);
      req.once("error", (error) => finish(new Error(`POST ${url.href} failed: ${error.message}`)));
      req.end(body);
    });
  }

  return {
    publish,
    close() {
      closed = true;
      agent.destroy();
    },
  };
}

/** One line of at most ERROR_BODY_EXCERPT_CHARS characters, control characters escaped. */
export function bodyExcerpt(text: string): string {
  // \s covers CR, LF, tab and the Unicode line separators; escape what control is left.
  const line = Array.from(text.replace(/\s+/g, " ").trim(), (char) => {
    const code = char.codePointAt(0) ?? 0;
    return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, "0")}` : char;
  }).join("");
  if (line === "") return "(empty body)";
  return line.length > ERROR_BODY_EXCERPT_CHARS
    ? `${line.slice(0, ERROR_BODY_EXCERPT_CHARS)}…`
    : line;
}
