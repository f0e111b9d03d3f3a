/**
 * One GET returning JSON, on the counted agent. A request on a kept-alive socket that the server
 * closed meanwhile (ECONNRESET before any answer) is sent once more, as browsers and Node's own
 * docs do; everything else is reported to the caller.
 */
import http from "node:http";
import type { ClientContext } from "./client-context.ts";

export interface JsonResponse {
  status: number;
  retryAfter: string | undefined;
  body: unknown;
}

export interface InFlight {
  abort(): void;
}

export function getJson(
  ctx: ClientContext,
  agent: http.Agent,
  pathAndQuery: string,
  onStart: (inFlight: InFlight) => void,
): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const send = (isRetry: boolean): void => {
      ctx.stats.requests += 1;
      const req = http.request(
        {
          host: ctx.baseUrl.hostname,
          port: ctx.baseUrl.port,
          path: pathAndQuery,
          method: "GET",
          agent,
          headers: { accept: "application/json" },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown = null;
            try {
              body = text.length > 0 ? JSON.parse(text) : null;
            } catch {
              reject(
                new Error(`GET ${pathAndQuery}: answer is not JSON (status ${res.statusCode})`),
              );
              return;
            }
            const retryAfter = res.headers["retry-after"];
            resolve({ status: res.statusCode ?? 0, retryAfter, body });
          });
        },
      );
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (!isRetry && req.reusedSocket && error.code === "ECONNRESET") {
          ctx.stats.staleSocketRetries += 1;
          send(true);
          return;
        }
        reject(error);
      });
      onStart({ abort: () => req.destroy() });
      req.end();
    };
    send(false);
  });
}
