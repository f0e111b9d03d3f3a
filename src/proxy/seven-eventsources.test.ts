/**
 * The browser limit, in real Chromium through a real nginx with TLS: one page opens seven
 * EventSources to its own host. Over HTTP/1.1 Chromium allows six connections per host, so
 * one stream (whichever was queued last) never opens: it waits, silently, for one of the six
 * to close, and nothing in the page's API says so. Over
 * HTTP/2 all seven are streams on one connection and all open. With PVP_SCREENSHOTS=1 the
 * two pages are saved to docs/images/ for the README.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIRECT_PATH } from "../model/delivery-path.ts";
import { HAS_CHROMIUM, launchChromium, NO_CHROMIUM_REASON } from "../test-support/chromium.ts";
import { HAS_NGINX, NO_NGINX_REASON, type RunningNginx, startNginx } from "./nginx-proxy.ts";

const STREAMS = 7;
const SCREENSHOTS = process.env.PVP_SCREENSHOTS === "1";
const IMAGES = fileURLToPath(new URL("../../docs/images/", import.meta.url));

/** The page: seven EventSources, each row says whether its stream opened and what it got. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>seven EventSources</title>
<style>body{font:15px system-ui,sans-serif;margin:18px}li{margin:4px 0}
.open{color:#0a7d32}.waiting{color:#b3261e}h1{font-size:18px}</style>
<h1>7 EventSources to one host over <span id="proto">?</span></h1><ol id="list"></ol>
<p id="summary"></p>
<script>
const proto = performance.getEntriesByType("navigation")[0]?.nextHopProtocol ?? "?";
document.getElementById("proto").textContent = proto === "h2" ? "HTTP/2" : proto === "http/1.1" ? "HTTP/1.1" : proto;
const list = document.getElementById("list");
window.opened = 0;
for (let i = 1; i <= ${STREAMS}; i++) {
  const li = document.createElement("li");
  li.className = "waiting";
  li.textContent = "stream " + i + ": waiting (not opened)";
  list.append(li);
  const source = new EventSource("/events?stream=" + i);
  source.onopen = () => { window.opened += 1; li.className = "open"; li.textContent = "stream " + i + ": open"; };
  source.onmessage = (e) => { li.textContent = "stream " + i + ": open, got " + e.data; };
}
setTimeout(() => {
  document.getElementById("summary").textContent = window.opened + " of ${STREAMS} streams open after 3 s";
  window.settled = true;
}, 3000);
</script>`;

let upstream: http.Server;
let upstreamPort = 0;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    if (req.url?.startsWith("/events")) {
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
      });
      res.write("retry: 60000\n\ndata: hello\n\n");
      return; // held open, as a notification stream is
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(PAGE);
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  upstreamPort = (upstream.address() as AddressInfo).port;
});

afterAll(async () => {
  upstream?.closeAllConnections();
  await new Promise((r) => upstream?.close(r));
});

/** Opens the page through nginx and reports how many of the seven streams opened. */
async function openedStreams(http2: boolean, screenshot: string): Promise<number> {
  const proxy: RunningNginx = await startNginx({
    path: { ...DIRECT_PATH, proxy: "nginx", tls: true, http2 },
    upstreamPorts: [upstreamPort],
    maxClientConnections: 20,
  });
  const browser = await launchChromium();
  try {
    // The run's certificate is self-signed: this browser context trusts it, nothing else.
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 520, height: 260 },
    });
    const page = await context.newPage();
    await page.goto(new URL("/", proxy.url).href);
    await page.waitForFunction(
      () => (globalThis as unknown as { settled?: boolean }).settled === true,
      {
        timeout: 10_000,
      },
    );
    const protocol = await page.textContent("#proto");
    expect(protocol).toBe(http2 ? "HTTP/2" : "HTTP/1.1");
    if (SCREENSHOTS) await page.screenshot({ path: `${IMAGES}${screenshot}` });
    return await page.evaluate(() => (globalThis as unknown as { opened: number }).opened);
  } finally {
    await browser.close();
    await proxy.stop();
  }
}

describe.skipIf(!HAS_NGINX || !HAS_CHROMIUM)("seven EventSources in Chromium through nginx", () => {
  it("over HTTP/1.1 (TLS, no h2) one of the seven never opens: six connections per host", async () => {
    expect(await openedStreams(false, "eventsources-http1.png")).toBe(6);
  }, 30_000);

  it("over HTTP/2 all seven open, multiplexed on one connection", async () => {
    expect(await openedStreams(true, "eventsources-http2.png")).toBe(STREAMS);
  }, 30_000);
});

describe.skipIf(HAS_NGINX && HAS_CHROMIUM)("seven EventSources", () => {
  it.skip(!HAS_NGINX ? NO_NGINX_REASON : NO_CHROMIUM_REASON, () => {});
});
