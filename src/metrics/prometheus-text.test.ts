import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import {
  gaugeValue,
  PrometheusParseError,
  parsePrometheusText,
  parseSampleValue,
  scrapeMetrics,
  sumMetric,
} from "./prometheus-text.ts";

/** A registry shaped like the servers' (same metric names, prom-client defaults). */
function serverLikeRegistry(): Registry {
  const register = new Registry();
  collectDefaultMetrics({ register });
  const requests = new Counter({
    name: "pvp_http_requests_total",
    help: "HTTP requests by route and status",
    labelNames: ["route", "status"],
    registers: [register],
  });
  requests.inc({ route: "/api/notifications/:userId", status: "200" }, 40);
  requests.inc({ route: "/api/notifications/:userId", status: "400" }, 2);
  requests.inc({ route: "/metrics", status: "200" }, 1);
  // A label value that needs every escape.
  requests.inc({ route: 'we"ird\\path\nx', status: "200" }, 5);
  for (const [name, value] of [
    ["pvp_open_connections", 12],
    ["pvp_held_polls", 7],
    ["pvp_open_streams", 0],
  ] as const) {
    new Gauge({ name, help: name, registers: [register] }).set(value);
  }
  for (const [name, value] of [
    ["pvp_accepted_connections_total", 15],
    ["pvp_bytes_received_total", 123_456],
    ["pvp_bytes_sent_total", 9_876_543],
    ["pvp_notifications_delivered_total", 300],
  ] as const) {
    new Counter({ name, help: name, registers: [register] }).inc(value);
  }
  const h = new Histogram({
    name: "pvp_test_seconds",
    help: "h",
    buckets: [0.1, 1],
    registers: [register],
  });
  h.observe(0.05);
  h.observe(5);
  return register;
}

describe("parsePrometheusText on real prom-client output", () => {
  it("reads the servers' metric names and the prom-client defaults", async () => {
    const register = serverLikeRegistry();
    // Let the event-loop lag monitor record something.
    await new Promise((r) => setTimeout(r, 30));
    const map = parsePrometheusText(await register.metrics());

    expect(sumMetric(map, "pvp_http_requests_total")).toBe(48);
    expect(sumMetric(map, "pvp_http_requests_total", { status: "200" })).toBe(46);
    expect(
      sumMetric(map, "pvp_http_requests_total", (l) => l.route?.startsWith("/api/") ?? false),
    ).toBe(42);
    expect(sumMetric(map, "pvp_http_requests_total", { status: "503" })).toBe(0);
    expect(sumMetric(map, "pvp_http_requests_total", { route: 'we"ird\\path\nx' })).toBe(5);

    expect(gaugeValue(map, "pvp_open_connections")).toBe(12);
    expect(gaugeValue(map, "pvp_held_polls")).toBe(7);
    expect(gaugeValue(map, "pvp_open_streams")).toBe(0);
    expect(gaugeValue(map, "pvp_accepted_connections_total")).toBe(15);
    expect(gaugeValue(map, "pvp_bytes_received_total")).toBe(123_456);
    expect(gaugeValue(map, "pvp_bytes_sent_total")).toBe(9_876_543);
    expect(gaugeValue(map, "pvp_notifications_delivered_total")).toBe(300);

    expect(gaugeValue(map, "process_cpu_seconds_total")).toBeGreaterThan(0);
    expect(gaugeValue(map, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(gaugeValue(map, "nodejs_eventloop_lag_p99_seconds")).toBeGreaterThanOrEqual(0);

    expect(gaugeValue(map, "pvp_test_seconds_bucket", { le: "+Inf" })).toBe(2);
    expect(gaugeValue(map, "pvp_test_seconds_bucket", { le: "0.1" })).toBe(1);
    expect(gaugeValue(map, "pvp_test_seconds_count")).toBe(2);
    expect(() => gaugeValue(map, "pvp_test_seconds_bucket")).toThrow(/3 series/);
    expect(sumMetric(map, "no_such_metric")).toBeNull();
    expect(gaugeValue(map, "no_such_metric")).toBeNull();
  });
});

describe("parsePrometheusText edge cases", () => {
  it("skips comments, HELP/TYPE, blank lines and CRLF", () => {
    const map = parsePrometheusText(
      "# HELP a help with \\n escapes\r\n# TYPE a counter\r\n\r\n# random comment\na 1\r\n# EOF\n",
    );
    expect([...map.keys()]).toEqual(["a"]);
    expect(map.get("a")).toEqual([{ labels: {}, value: 1 }]);
  });

  it.each([
    ["x +Inf", Number.POSITIVE_INFINITY],
    ["x -Inf", Number.NEGATIVE_INFINITY],
    ["x NaN", Number.NaN],
    ["x 1.5e3", 1500],
    ["x -0.25", -0.25],
    ["x 7 1700000000000", 7],
    ["x{} 3", 3],
    ["x\t\t4", 4],
    ['x { a = "1" , b="2", } 5', 5],
  ])("parses %j", (line, value) => {
    expect(parsePrometheusText(line).get("x")?.[0]?.value).toBe(value);
  });

  it("unescapes label values and allows a trailing comma", () => {
    const map = parsePrometheusText(
      'm{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb",odd="\\x",empty="",} 1',
    );
    expect(map.get("m")?.[0]?.labels).toEqual({
      path: "C:\\dir",
      quote: 'say "hi"',
      nl: "a\nb",
      odd: "\\x",
      empty: "",
    });
  });

  it("keeps label values with braces, commas and spaces intact", () => {
    const map = parsePrometheusText('m{a="x} y, z=\\"w\\""} 2');
    expect(map.get("m")?.[0]).toEqual({ labels: { a: 'x} y, z="w"' }, value: 2 });
  });

  it("groups series by name in document order", () => {
    const map = parsePrometheusText('c{k="1"} 1\nd 9\nc{k="2"} 2\n');
    expect(map.get("c")?.map((s) => s.labels.k)).toEqual(["1", "2"]);
  });

  it.each([
    ["m", /missing sample value/],
    ["m abc", /invalid sample value/],
    ['m{a="1} 2', /unterminated/],
    ["m{a=1} 2", /expected '"'/],
    ['m{a="1" b="2"} 3', /expected ',' or '}'/],
    ["m 1 notatime", /invalid timestamp/],
    ["m 1 2 3", /unexpected text/],
    ["1m 2", /metric name/],
  ])("rejects %j with the line number", (line, message) => {
    const text = `ok 1\n${line}\n`;
    expect(() => parsePrometheusText(text)).toThrow(message);
    try {
      parsePrometheusText(text);
    } catch (err) {
      expect(err).toBeInstanceOf(PrometheusParseError);
      expect((err as PrometheusParseError).line).toBe(2);
    }
  });

  it("parseSampleValue refuses what Number() would wrongly accept", () => {
    expect(parseSampleValue("")).toBeNull();
    expect(parseSampleValue("0x10")).toBeNull();
    expect(parseSampleValue("Infinity")).toBeNull();
    expect(parseSampleValue("+inf")).toBe(Number.POSITIVE_INFINITY);
    expect(parseSampleValue(".5")).toBe(0.5);
  });
});

describe("scrapeMetrics", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    server?.close();
    server = undefined;
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  }

  it("fetches and parses a real /metrics endpoint", async () => {
    const register = serverLikeRegistry();
    const url = await serve(async (_req, res) => {
      res.setHeader("content-type", register.contentType);
      res.end(await register.metrics());
    });
    const map = await scrapeMetrics(url);
    expect(gaugeValue(map, "pvp_open_connections")).toBe(12);
  });

  it("rejects a non-2xx answer with the URL and status", async () => {
    const url = await serve((_req, res) => {
      res.statusCode = 503;
      res.end("down");
    });
    await expect(scrapeMetrics(url)).rejects.toThrow(/scraping http:.*\/metrics failed: HTTP 503/);
  });

  it("gives up after the timeout", async () => {
    const url = await serve(() => {
      // Never answers.
    });
    await expect(scrapeMetrics(url, { timeoutMs: 150 })).rejects.toThrow(/no answer within 150 ms/);
  });

  it("reports a refused connection", async () => {
    const url = await serve((_req, res) => res.end());
    server?.close();
    await once(server as Server, "close");
    await expect(scrapeMetrics(url)).rejects.toThrow(/failed: fetch failed \(.*ECONNREFUSED/);
  });
});
