/**
 * How a client sends one GET: node:http or node:https on its own counted agent by default, or
 * a transport of the run's choosing (the HTTP/2 session pool, src/driver/h2-transport.ts).
 * The clients read the answer through node:http's ClientRequest surface either way.
 */
import http from "node:http";
import https from "node:https";

export interface OutgoingGet {
  /** The client's own agent (an https.Agent for https: URLs); unused by a pooled transport. */
  agent: http.Agent;
  headers: Record<string, string>;
  /** Largest response header block accepted, bytes (the client bound). */
  maxHeaderSize: number;
}

export type SendRequest = (url: URL, options: OutgoingGet) => http.ClientRequest;

/** HTTP/1.1, in the clear or over TLS as the URL says. */
export const sendHttp1Request: SendRequest = (url, options) =>
  (url.protocol === "https:" ? https.request : http.request)({
    protocol: url.protocol,
    host: url.hostname,
    port: url.port,
    path: `${url.pathname}${url.search}`,
    method: "GET",
    agent: options.agent,
    headers: options.headers,
    maxHeaderSize: options.maxHeaderSize,
  });
