/**
 * The generated nginx configuration as text: what each delivery-path field turns into (the
 * behaviour itself is tested against a real nginx in nginx-proxy.test.ts).
 */
import { describe, expect, it } from "vitest";
import { type DeliveryPath, DIRECT_PATH } from "../model/delivery-path.ts";
import { renderNginxConfig, workerConnectionsFor } from "./nginx-config.ts";

const render = (path: Partial<DeliveryPath>, tls = false) =>
  renderNginxConfig({
    path: { ...DIRECT_PATH, proxy: "nginx", ...path },
    listenPort: 18080,
    upstreamPorts: [3001, 3002],
    workDir: "/tmp/run dir",
    maxClientConnections: 1000,
    ...(tls ? { certificate: { certPath: "/tmp/c.pem", keyPath: "/tmp/k.pem" } } : {}),
  });

describe("nginx config", () => {
  it("balances over every instance with upstream keep-alive, files in the run directory", () => {
    const text = render({});
    expect(text).toContain("server 127.0.0.1:3001 max_fails=0;");
    expect(text).toContain("server 127.0.0.1:3002 max_fails=0;");
    expect(text).toMatch(/keepalive 64;/);
    expect(text).toContain("proxy_http_version 1.1;");
    expect(text).toContain('pid "/tmp/run dir/nginx.pid";');
    expect(text).toContain("listen 127.0.0.1:18080 reuseport;");
    expect(text).toContain(`worker_connections ${workerConnectionsFor(1000)};`);
    expect(text).toContain("proxy_buffering off;");
    expect(text).not.toContain("ssl_certificate");
  });

  it("writes nginx's shipped proxy defaults for the buffering pitfall", () => {
    const text = render({
      proxyBuffering: true,
      honourAccelBuffering: false,
      upstreamKeepAlive: false,
    });
    expect(text).toContain("proxy_buffering on;");
    expect(text).toContain("proxy_ignore_headers X-Accel-Buffering;");
    expect(text).toContain("proxy_http_version 1.0;");
    expect(text).not.toMatch(/keepalive 64;/);
  });

  it("listens with TLS and h2, resumption on or off, timeouts as given", () => {
    const on = render(
      { tls: true, http2: true, proxyReadTimeoutMs: 3000, clientKeepAliveTimeoutMs: 5000 },
      true,
    );
    expect(on).toContain("listen 127.0.0.1:18080 ssl http2 reuseport;");
    expect(on).toContain("ssl_session_tickets on;");
    expect(on).toContain("proxy_read_timeout 3000ms;");
    expect(on).toContain("keepalive_timeout 5000ms;");
    expect(render({ tls: true, tlsResumption: false }, true)).toContain("ssl_session_tickets off;");
    expect(() => render({ tls: true })).toThrow(/no certificate/);
  });
});
