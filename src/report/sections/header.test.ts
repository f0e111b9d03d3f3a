/** The report header: an external target (--target) is named, with what it leaves unmeasured. */
import { describe, expect, it } from "vitest";
import { renderHtml } from "../render/report-html.ts";
import { renderSummaryMarkdown } from "../render/summary-markdown.ts";
import { createFixtureResults } from "../test-support/fixture.ts";

const CHART_JS = "/* chart.js */";

describe("external target", () => {
  it("the header names the measured server and says server and Redis costs were not measured", () => {
    const results = createFixtureResults();
    results.method.redis = null;
    results.method.target = {
      strategy: "sse",
      subscribeUrl: "http://127.0.0.1:9000/events/{userId}?a=1&b=<2>",
      publishUrl: "http://127.0.0.1:9000/publish/{userId}",
    };
    const html = renderHtml(results, CHART_JS);
    expect(html).toContain("<strong>External server.</strong>");
    expect(html).toContain("http://127.0.0.1:9000/events/{userId}?a=1&amp;b=&lt;2&gt;");
    expect(html).toContain(
      "Server and Redis costs (CPU, memory, connections, Redis commands) were not measured",
    );
    expect(html).toContain("Redis not ours (external target)");
    expect(html).not.toContain("(null)");
    const md = renderSummaryMarkdown(results, []);
    expect(md).toContain(
      "**External server:** These runs measured an external server (--target, sse)",
    );
    expect(md).toContain("publish POST http://127.0.0.1:9000/publish/{userId}");
    expect(md).toContain("\\<2\\>");
    expect(renderHtml(createFixtureResults(), CHART_JS)).not.toContain("External server");
  });
});
