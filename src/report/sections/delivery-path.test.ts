/**
 * The "Delivery path" section: left out without proxy runs; with them, one row per run with
 * nginx's cost beside the server's, handshakes and h2 sessions, in both formats; the method
 * line names the path.
 */
import { describe, expect, it } from "vitest";
import { DIRECT_PATH } from "../../model/delivery-path.ts";
import type { RunResult } from "../../model/results.ts";
import { describeDeliveryPaths } from "../model/method-line.ts";
import { groupByScenario } from "../model/run-groups.ts";
import { createFixtureResults, fixtureResults } from "../test-support/fixture.ts";
import {
  renderDeliveryPathSectionHtml,
  renderDeliveryPathSectionMarkdown,
} from "./delivery-path.ts";

function behindNginx(run: RunResult): RunResult {
  return {
    ...run,
    deliveryPath: {
      path: { ...DIRECT_PATH, proxy: "nginx", tls: true, http2: true },
      proxy: {
        cpuSeconds: 0.5,
        cpuUtilization: 0.05,
        cpuMsPer1000Deliveries: 123,
        peakRssBytes: 16 * 1024 * 1024,
        meanRssBytes: 16 * 1024 * 1024,
        maxOpenSockets: 22,
        processes: 2,
      },
      tls: { full: 2, resumed: 7, perDelivered: 0.009 },
      h2: { sessionsOpened: 0, streamsOpened: 40, maxConcurrentStreams: 20, openSessions: 1 },
    },
  };
}

describe("delivery path section", () => {
  it("is left out when every run went direct", () => {
    const results = createFixtureResults();
    expect(renderDeliveryPathSectionHtml(results)).toBe("");
    expect(renderDeliveryPathSectionMarkdown(results)).toEqual([]);
  });

  it("shows nginx's CPU, handshakes and sessions of each proxied run", () => {
    const direct = createFixtureResults().runs.find((r) => r.strategy === "sse" && r.step === null);
    if (!direct) throw new Error("fixture without a plain sse run");
    const results = fixtureResults([behindNginx(direct)]);
    const html = renderDeliveryPathSectionHtml(results);
    expect(html).toContain('id="delivery-path"');
    expect(html).toContain("nginx, TLS, HTTP/2, buffering off");
    expect(html).toContain("2/7");
    const md = renderDeliveryPathSectionMarkdown(results).join("\n");
    expect(md).toContain("## Delivery path: proxy, TLS, HTTP/2");
    expect(md).toContain("1/40 (max 20 at once)");
    const group = groupByScenario(results)[0];
    if (!group) throw new Error("no group");
    expect(describeDeliveryPaths(group)).toMatch(/nginx \(buffering off.*\), TLS, HTTP\/2/);
  });
});
