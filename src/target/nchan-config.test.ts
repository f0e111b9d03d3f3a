/**
 * The nchan reference target as the docs tell users to run it: real nginx with the real nchan
 * module (skipped, with the reason, where Debian's packages are not installed).
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findNchanModule, nchanUrls, renderNchanConfig } from "./nchan-config.ts";
import { type RunningNchan, startNchan } from "./nchan-server.ts";

const modulePath = findNchanModule();
const hasNginx = spawnSync("nginx", ["-v"]).status === 0;
const skipReason =
  modulePath === null || !hasNginx
    ? "nginx + nchan not installed (apt-get install nginx-light libnginx-mod-nchan)"
    : null;
if (skipReason) console.log(`skipping the nchan reference target: ${skipReason}`);

describe("nchan config", () => {
  it("names every route with the driver's {userId} template and rejects a bad port", () => {
    expect(nchanUrls(4000)).toEqual({
      sse: "http://127.0.0.1:4000/sse/{userId}",
      longPolling: "http://127.0.0.1:4000/lp/{userId}",
      shortPolling: "http://127.0.0.1:4000/poll/{userId}",
      publish: "http://127.0.0.1:4000/pub/{userId}",
    });
    expect(() => renderNchanConfig({ modulePath: "/m.so", port: 0, prefixDir: "/tmp/x" })).toThrow(
      /port 0 must be a whole number from 1 to 65535/,
    );
    const text = renderNchanConfig({ modulePath: "/m.so", port: 4000, prefixDir: "/tmp/x" });
    expect(text).toContain("listen 127.0.0.1:4000;");
    expect(text).toContain("worker_processes 1;");
  });
});

describe.skipIf(skipReason !== null)("nchan reference target (real nginx)", () => {
  let nchan: RunningNchan;
  let port: number;
  beforeAll(async () => {
    nchan = await startNchan();
    port = nchan.port;
  });
  afterAll(async () => {
    await nchan?.stop();
  });

  it("names its master and worker processes for --target-pid", () => {
    expect(nchan.pids[0]).toBe(nchan.pid);
    expect(nchan.pids.length).toBeGreaterThanOrEqual(2); // one worker by default
  });

  it("passes a published body through unchanged to an SSE subscriber, with an event id", async () => {
    const urls = nchanUrls(port);
    const body = JSON.stringify({ title: "t", message: "m", meta: { marker: "pvp-1" } });
    const controller = new AbortController();
    const response = await fetch(urls.sse.replace("{userId}", "alice_1"), {
      headers: { accept: "text/event-stream" },
      signal: controller.signal,
    });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const published = await fetch(urls.publish.replace("{userId}", "alice_1"), {
      method: "POST",
      body,
    });
    expect(published.status).toBeLessThan(300);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    // until an event with data has ended (nchan greets with a ": hi" comment first)
    while (!(text.includes("data:") && text.includes("\n\n", text.indexOf("data:")))) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toMatch(/^id: \S+$/m);
    expect(text).toContain(`data: ${body}`);
  });
});
