/**
 * The delivery path between the simulated clients and the servers: straight into Node on
 * loopback (the default), or through a real nginx reverse proxy, with or without TLS, over
 * HTTP/1.1 or HTTP/2. Set per run by the CLI (`--proxy`, `--proxy-buffering`,
 * `--proxy-read-timeout`, `--tls`, `--http2`) or by a scenario's `deliveryPath` / variants.
 */

export const PROXY_KINDS = ["none", "nginx"] as const;
export type ProxyKind = (typeof PROXY_KINDS)[number];

export interface DeliveryPath {
  /** "nginx": a real nginx in front of every instance (load-balanced, upstream keep-alive). */
  proxy: ProxyKind;
  /**
   * nginx `proxy_buffering`: on holds the upstream's answer in its buffers (what breaks SSE
   * when the server does not say `X-Accel-Buffering: no`). Only with a proxy.
   */
  proxyBuffering: boolean;
  /**
   * nginx `proxy_read_timeout`, ms: silence from the upstream longer than this cuts the
   * connection (a long-poll hold or SSE heartbeat beyond it is cut). Only with a proxy.
   */
  proxyReadTimeoutMs: number;
  /**
   * Let nginx honour the upstream's `X-Accel-Buffering: no` (nginx's default) or ignore it
   * (`proxy_ignore_headers X-Accel-Buffering`): ignoring it shows what a proxy whose buffering
   * the application cannot switch off does to SSE. Only with a proxy and buffering on.
   */
  honourAccelBuffering: boolean;
  /**
   * HTTP/1.1 with idle keep-alive connections to the upstream (`proxy_http_version 1.1`,
   * `keepalive`), as a tuned proxy does. Off: nginx's shipped default, HTTP/1.0 and one upstream
   * connection per request; Node then sends an SSE body without chunked framing, and with
   * buffering on nginx holds it until a buffer fills (with chunked framing it forwards each
   * chunk as it parses it). Only with a proxy.
   */
  upstreamKeepAlive: boolean;
  /**
   * nginx `keepalive_timeout` towards the clients, ms: an idle client connection is closed
   * after this (nginx's default 75 s; Node's own servers use 5 s). A poller whose interval is
   * longer reconnects, and over TLS pays a handshake, every time. Only with a proxy.
   */
  clientKeepAliveTimeoutMs: number;
  /** TLS between the clients and the first hop (nginx, which speaks plain HTTP to Node). */
  tls: boolean;
  /** HTTP/2 between the clients and nginx (needs `tls` and a proxy: browsers speak h2 over TLS only). */
  http2: boolean;
  /**
   * TLS session resumption (tickets) offered by the server and used by the clients. Off: every
   * new connection pays a full handshake. Only with `tls`.
   */
  tlsResumption: boolean;
}

/** Straight into Node over plain HTTP/1.1: what every run did before the proxy existed. */
export const DIRECT_PATH: DeliveryPath = {
  proxy: "none",
  proxyBuffering: false,
  proxyReadTimeoutMs: 60_000,
  honourAccelBuffering: true,
  upstreamKeepAlive: true,
  clientKeepAliveTimeoutMs: 75_000,
  tls: false,
  http2: false,
  tlsResumption: true,
};

/** nginx's own default read timeout, used when `--proxy-read-timeout` is not given. */
export const DEFAULT_PROXY_READ_TIMEOUT_MS = 60_000;

/** Bounds of `--proxy-read-timeout` and a scenario's `proxyReadTimeoutMs`, ms. */
export const PROXY_READ_TIMEOUT_LIMITS = { min: 100, max: 600_000 } as const;
/** Bounds of a scenario's `clientKeepAliveTimeoutMs`, ms. */
export const CLIENT_KEEPALIVE_LIMITS = { min: 1_000, max: 600_000 } as const;

/**
 * Why a combination cannot run, or null. HTTP/2 is offered over TLS only (as browsers use it)
 * and only by nginx (the Node servers speak HTTP/1.1); the proxy settings need a proxy.
 */
export function deliveryPathProblem(path: DeliveryPath): string | null {
  if (path.http2 && !path.tls)
    return "--http2 needs --tls (HTTP/2 is spoken over TLS here, as browsers do); add --tls";
  if (path.http2 && path.proxy === "none") {
    return "--http2 needs --proxy nginx (the Node servers speak HTTP/1.1; nginx speaks h2 to the clients); add --proxy nginx";
  }
  if (path.tls && path.proxy === "none") {
    return "--tls needs --proxy nginx (nginx terminates TLS in front of the Node servers); add --proxy nginx";
  }
  if (
    !Number.isInteger(path.proxyReadTimeoutMs) ||
    path.proxyReadTimeoutMs < PROXY_READ_TIMEOUT_LIMITS.min ||
    path.proxyReadTimeoutMs > PROXY_READ_TIMEOUT_LIMITS.max
  ) {
    return `proxy read timeout ${path.proxyReadTimeoutMs} ms is outside ${PROXY_READ_TIMEOUT_LIMITS.min}..${PROXY_READ_TIMEOUT_LIMITS.max} ms`;
  }
  if (
    !Number.isInteger(path.clientKeepAliveTimeoutMs) ||
    path.clientKeepAliveTimeoutMs < CLIENT_KEEPALIVE_LIMITS.min ||
    path.clientKeepAliveTimeoutMs > CLIENT_KEEPALIVE_LIMITS.max
  ) {
    return `client keep-alive timeout ${path.clientKeepAliveTimeoutMs} ms is outside ${CLIENT_KEEPALIVE_LIMITS.min}..${CLIENT_KEEPALIVE_LIMITS.max} ms`;
  }
  return null;
}

/** "direct HTTP/1.1" or "nginx (buffering off, read timeout 60 s), TLS, HTTP/2", for method lines. */
export function describeDeliveryPath(path: DeliveryPath): string {
  const protocol = path.http2 ? "HTTP/2" : "HTTP/1.1";
  const tls = path.tls ? `TLS${path.tlsResumption ? "" : " without session resumption"}` : "plain";
  if (path.proxy === "none") return `direct to Node, ${tls}, ${protocol}`;
  const buffering = path.proxyBuffering
    ? `buffering on${path.honourAccelBuffering ? " (X-Accel-Buffering honoured)" : " (X-Accel-Buffering ignored)"}`
    : "buffering off";
  const upstream = path.upstreamKeepAlive ? "HTTP/1.1 keep-alive upstream" : "HTTP/1.0 upstream";
  return `nginx (${buffering}, ${upstream}, read timeout ${path.proxyReadTimeoutMs / 1000} s, client keep-alive ${path.clientKeepAliveTimeoutMs / 1000} s), ${tls}, ${protocol}`;
}
