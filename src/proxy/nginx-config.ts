/**
 * The nginx configuration of one run, as text: a pure function of the run's delivery path, the
 * upstream instances and the directory nginx may write to. Everything nginx writes (pid file,
 * logs, temp paths) stays in that directory, so a run never touches /var/log or /var/lib and
 * two benches never share a file.
 */
import path from "node:path";
import type { DeliveryPath } from "../model/delivery-path.ts";

export interface NginxConfigInput {
  path: DeliveryPath;
  /** Where nginx listens for the clients (127.0.0.1). */
  listenPort: number;
  /** The Node instances behind it, `127.0.0.1:<port>` each. */
  upstreamPorts: readonly number[];
  /** The run's directory: pid file, logs, temp paths, certificate. */
  workDir: string;
  /** PEM files for `listen ... ssl`; required when `path.tls`. */
  certificate?: { certPath: string; keyPath: string };
  /** Client connections nginx must hold at once (each also holds one upstream connection). */
  maxClientConnections: number;
}

/**
 * Idle keep-alive connections nginx keeps to each upstream. Enough for the polling clients'
 * request rate to reuse connections instead of opening one per request (what `keepalive`
 * exists for); held polls and SSE streams each take their own upstream connection anyway.
 */
export const UPSTREAM_KEEPALIVE = 64;

/**
 * Streams one HTTP/2 session may carry at once: nginx's default (128). The driver's h2
 * transport stays below it (H2_STREAMS_PER_SESSION in src/driver).
 */
export const HTTP2_MAX_CONCURRENT_STREAMS = 128;

/** `worker_connections` for this many clients: each needs a client and an upstream connection, plus slack for health probes. */
export function workerConnectionsFor(maxClientConnections: number): number {
  return Math.max(1024, maxClientConnections * 2 + 256);
}

/** nginx quotes: a path with a space or a quote must not break the file. */
function quote(value: string): string {
  if (/["\\\n\r]/.test(value)) throw new Error(`nginx config: unsupported character in ${value}`);
  return `"${value}"`;
}

export function renderNginxConfig(input: NginxConfigInput): string {
  const { path: delivery, workDir } = input;
  if (input.upstreamPorts.length === 0) throw new Error("nginx config: no upstream instance");
  if (delivery.tls && input.certificate === undefined) {
    throw new Error("nginx config: TLS asked for but no certificate given");
  }
  const file = (name: string): string => quote(path.join(workDir, name));
  const workerConnections = workerConnectionsFor(input.maxClientConnections);
  const listen = [
    `127.0.0.1:${input.listenPort}`,
    ...(delivery.tls ? ["ssl"] : []),
    // nginx 1.22 (Debian 12) spells HTTP/2 as a listen parameter.
    ...(delivery.http2 ? ["http2"] : []),
    // A stale socket of a killed predecessor must not keep the port.
    "reuseport",
  ].join(" ");
  const tls = delivery.tls
    ? [
        `    ssl_certificate ${quote(input.certificate?.certPath ?? "")};`,
        `    ssl_certificate_key ${quote(input.certificate?.keyPath ?? "")};`,
        "    ssl_protocols TLSv1.2 TLSv1.3;",
        // Resumption on: TLS 1.3 tickets (and a session cache for 1.2). Off: every new
        // connection pays a full handshake, which is what tls-handshakes compares.
        ...(delivery.tlsResumption
          ? ["    ssl_session_tickets on;", "    ssl_session_cache shared:pvp_tls:1m;"]
          : ["    ssl_session_tickets off;", "    ssl_session_cache off;"]),
        "    ssl_session_timeout 10m;",
      ]
    : [];
  const lines = [
    "# Generated per run by push-vs-poll (src/proxy/nginx-config.ts); do not edit.",
    "daemon off;",
    "master_process on;",
    // One worker: on a 2-core machine shared with the servers, the driver and Redis, more
    // workers measure the scheduler, and one worker makes its cost one line of the results.
    "worker_processes 1;",
    `worker_rlimit_nofile ${workerConnections * 2};`,
    `pid ${file("nginx.pid")};`,
    `error_log ${file("error.log")} warn;`,
    "",
    "events {",
    `  worker_connections ${workerConnections};`,
    "}",
    "",
    "http {",
    `  access_log ${file("access.log")} combined buffer=64k flush=1s;`,
    `  client_body_temp_path ${file("temp/client_body")};`,
    `  proxy_temp_path ${file("temp/proxy")};`,
    `  fastcgi_temp_path ${file("temp/fastcgi")};`,
    `  uwsgi_temp_path ${file("temp/uwsgi")};`,
    `  scgi_temp_path ${file("temp/scgi")};`,
    "  server_tokens off;",
    // nginx's own default is 75 s; Node's servers close idle keep-alive sockets after 5 s.
    `  keepalive_timeout ${delivery.clientKeepAliveTimeoutMs}ms;`,
    // A short poller sends far more than nginx's default 1000 requests per connection; closing
    // after 1000 would add handshakes that are nginx's choice, not the strategy's.
    "  keepalive_requests 1000000;",
    ...(delivery.http2
      ? [
          `  http2_max_concurrent_streams ${HTTP2_MAX_CONCURRENT_STREAMS};`,
          // nginx 1.22 closes an h2 connection after 1000 requests by default (http2_max_requests).
          "  http2_max_requests 1000000;",
        ]
      : []),
    "",
    "  upstream pvp_servers {",
    // Round robin over the instances, as a load balancer in front of N processes does.
    ...input.upstreamPorts.map((port) => `    server 127.0.0.1:${port} max_fails=0;`),
    ...(delivery.upstreamKeepAlive
      ? [
          `    keepalive ${UPSTREAM_KEEPALIVE};`,
          // Below Node's 5 s, so nginx never reuses a socket Node is closing.
          "    keepalive_timeout 4s;",
        ]
      : []),
    "  }",
    "",
    "  server {",
    `    listen ${listen};`,
    "    server_name localhost;",
    ...tls,
    // The WebSocket route: nginx passes an upgrade only when told to (HTTP/1.1 and the Upgrade /
    // Connection hop-by-hop headers set again); never buffered. Over h2 clients fall back to
    // HTTP/1.1 for it (nginx does not speak WebSocket over HTTP/2).
    "    location ~ ^/api/notifications/[^/]+/ws$ {",
    "      proxy_pass http://pvp_servers;",
    "      proxy_http_version 1.1;",
    "      proxy_set_header Upgrade $http_upgrade;",
    '      proxy_set_header Connection "upgrade";',
    "      proxy_set_header Host $host;",
    "      proxy_buffering off;",
    `      proxy_read_timeout ${delivery.proxyReadTimeoutMs}ms;`,
    "      proxy_send_timeout 60s;",
    "    }",
    "    location / {",
    "      proxy_pass http://pvp_servers;",
    // Upstream keep-alive needs HTTP/1.1 and no `Connection: close` passed through; without
    // it, nginx's default HTTP/1.0 (one upstream connection per request).
    ...(delivery.upstreamKeepAlive
      ? ["      proxy_http_version 1.1;", '      proxy_set_header Connection "";']
      : ["      proxy_http_version 1.0;"]),
    "      proxy_set_header Host $host;",
    `      proxy_buffering ${delivery.proxyBuffering ? "on" : "off"};`,
    // Memory only: a buffered answer never goes to a temp file on disk.
    "      proxy_max_temp_file_size 0;",
    ...(delivery.proxyBuffering && !delivery.honourAccelBuffering
      ? ["      proxy_ignore_headers X-Accel-Buffering;"]
      : []),
    `      proxy_read_timeout ${delivery.proxyReadTimeoutMs}ms;`,
    "      proxy_send_timeout 60s;",
    "    }",
    "  }",
    "}",
    "",
  ];
  return lines.join("\n");
}
