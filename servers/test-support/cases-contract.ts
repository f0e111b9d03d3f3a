/** Contract cases: bad input, SSE and WebSocket wire formats, health and metrics. */
import { request } from "node:http";
import { expect } from "vitest";
import type { StrategyId } from "../../src/model/strategies.ts";
import type { ConformanceCase } from "./case-context.ts";
import { postJson } from "./delivery-clients.ts";
import { isPushStrategy, openPushReader } from "./push-readers.ts";
import { SseTestReader } from "./sse-test-reader.ts";
import { WebSocketTestReader } from "./websocket-test-reader.ts";

/** The delivery route of a strategy for `user`, plus an optional query string. */
function deliveryPath(strategy: StrategyId, user: string, query = ""): string {
  const suffixes: Record<StrategyId, string> = {
    sse: "/sse",
    websocket: "/ws",
    "long-polling": "/poll",
    "short-polling": "",
  };
  const suffix = suffixes[strategy];
  return `/api/notifications/${user}${suffix}${query}`;
}

/** A valid WebSocket handshake (RFC 6455 4.1), to vary one header at a time. */
const UPGRADE_HEADERS = {
  Connection: "Upgrade",
  Upgrade: "websocket",
  "Sec-WebSocket-Version": "13",
  "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
};

type RawAnswer = { status: number; type: string; body: string; headers: Record<string, unknown> };

/**
 * Raw request so that oddities fetch() would refuse still reach the server. An answer to an
 * upgrade request ends when the server closes the connection.
 */
function rawGet(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { headers, method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          type: res.headers["content-type"] ?? "",
          body,
          headers: res.headers,
        }),
      );
    });
    // An accepted upgrade is a 101 that the http client hands over as 'upgrade'.
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, type: "", body: "", headers: res.headers });
    });
    req.on("error", reject);
    req.end();
  });
}

function expectJsonError(answer: RawAnswer, status: number) {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.type).toMatch(/^application\/json/);
  const parsed = JSON.parse(answer.body) as { error?: unknown; detail?: unknown };
  expect(typeof parsed.error).toBe("string");
  expect(typeof parsed.detail).toBe("string");
  expect(answer.body).not.toMatch(/at .*\.ts:\d+/); // no stack trace
}

export const contractCases: ConformanceCase[] = [
  {
    name: "bad delivery input -> 400 JSON error (user id, cursor, repeats, timeoutMs)",
    async run({ strategy, baseUrl }) {
      const cursorParam = strategy === "sse" ? "lastEventId" : "after";
      // WebSocket: the same answers to a real upgrade request (the checks come before it).
      const headers = strategy === "websocket" ? UPGRADE_HEADERS : {};
      const bad: string[] = [
        deliveryPath(strategy, "bad%20user"),
        deliveryPath(strategy, "x".repeat(65)),
        deliveryPath(strategy, "bad.user"),
        deliveryPath(strategy, "ok", `?${cursorParam}=abc`),
        deliveryPath(strategy, "ok", `?${cursorParam}=1-2-3`),
        deliveryPath(strategy, "ok", `?${cursorParam}=1-0%0d%0a`),
        deliveryPath(strategy, "ok", `?${cursorParam}=1-0%00`),
        deliveryPath(strategy, "ok", `?${cursorParam}=${"1".repeat(21)}-0`),
        deliveryPath(strategy, "ok", `?${cursorParam}=18446744073709551616-0`),
        deliveryPath(strategy, "ok", `?${cursorParam}=1-0&${cursorParam}=2-0`),
        deliveryPath(strategy, "%E0%A4%A"), // malformed %-escape
      ];
      if (strategy === "long-polling") {
        for (const t of ["-1", "120001", "1.5", "abc", "", "1&timeoutMs=2"]) {
          bad.push(deliveryPath(strategy, "ok", `?timeoutMs=${t}`));
        }
      }
      for (const path of bad) {
        expectJsonError(await rawGet(baseUrl, path), 400);
        if (strategy === "websocket") expectJsonError(await rawGet(baseUrl, path, headers), 400);
      }
      if (strategy === "sse") {
        expectJsonError(
          await rawGet(baseUrl, deliveryPath(strategy, "ok"), { "Last-Event-ID": "nope" }),
          400,
        );
      }
    },
  },
  {
    name: "bad publish body -> 400 JSON error, over 16 KiB -> 413, unknown route -> 404 JSON",
    async run({ baseUrl }) {
      const url = `${baseUrl}/api/notifications/someone`;
      const badBodies: { raw: string; why: string }[] = [
        { raw: "{not json", why: "not JSON" },
        { raw: "[]", why: "array" },
        { raw: '"text"', why: "string" },
        { raw: "", why: "empty body" },
        { raw: JSON.stringify({ message: "m" }), why: "missing title" },
        { raw: JSON.stringify({ title: "", message: "m" }), why: "empty title" },
        { raw: JSON.stringify({ title: 5, message: "m" }), why: "title not a string" },
        { raw: JSON.stringify({ title: "t" }), why: "missing message" },
        { raw: JSON.stringify({ title: "t", message: "m", link: 1 }), why: "link type" },
        { raw: JSON.stringify({ title: "t", message: "m", meta: [] }), why: "meta array" },
        { raw: JSON.stringify({ title: "t", message: "m", meta: { a: {} } }), why: "meta value" },
        { raw: JSON.stringify({ title: "t", message: "m", extra: 1 }), why: "unknown field" },
      ];
      for (const { raw, why } of badBodies) {
        const answer = await postJson(url, undefined, { raw });
        expect(answer.status, why).toBe(400);
        expect(typeof answer.body.error, why).toBe("string");
        expect(typeof answer.body.detail, why).toBe("string");
      }
      const badUser = await postJson(`${baseUrl}/api/notifications/a:b`, {
        title: "t",
        message: "m",
      });
      expect(badUser.status).toBe(400);
      const big = await postJson(url, { title: "t", message: "x".repeat(17 * 1024) });
      expect(big.status).toBe(413);
      expect(typeof big.body.error).toBe("string");
      expectJsonError(await rawGet(baseUrl, "/nope"), 404);
    },
  },
  {
    name: "SSE wire format: headers, retry, count on connect, push with id, heartbeat",
    only: ["sse"],
    async run({ baseUrl, userId, publish }) {
      const user = userId("wire");
      const reader = await SseTestReader.open(`${baseUrl}/api/notifications/${user}/sse`);
      try {
        expect(reader.status).toBe(200);
        expect(reader.headers["content-type"]).toBe("text/event-stream");
        expect(reader.headers["cache-control"]).toBe("no-store");
        expect(reader.headers["x-accel-buffering"]).toBe("no");
        expect(reader.headers["content-encoding"]).toBeUndefined();
        await reader.waitFor(() => reader.events.length >= 1, "count event");
        expect(reader.raw.startsWith("retry: 2000\n\n")).toBe(true);
        expect(reader.events[0]).toEqual({ event: "count", id: undefined, data: "0" });
        const published = await publish(user, "wire");
        await reader.waitFor(() => reader.events.length >= 3, "push + count");
        expect(reader.events[1]).toMatchObject({ event: "push", id: published.id });
        expect(JSON.parse(reader.events[1]?.data ?? "")).toMatchObject({ seq: 1, title: "wire" });
        expect(reader.events[2]).toEqual({ event: "count", id: undefined, data: "1" });
        // heartbeatMs is 200 in these tests
        await reader.waitFor(() => reader.comments.includes("heartbeat"), "heartbeat", 3000);
      } finally {
        reader.close();
      }
    },
  },
  {
    name: "WebSocket handshake: bad upgrade headers -> 4xx JSON before any upgrade, a good one -> 101",
    only: ["websocket"],
    async run({ baseUrl, userId }) {
      const path = `/api/notifications/${userId("handshake")}/ws`;
      const without = (name: keyof typeof UPGRADE_HEADERS) =>
        Object.fromEntries(Object.entries(UPGRADE_HEADERS).filter(([key]) => key !== name));
      // Plain GET (no upgrade at all): 426 naming what to send.
      const plain = await rawGet(baseUrl, path);
      expectJsonError(plain, 426);
      expect(plain.headers.upgrade).toBe("websocket");
      expectJsonError(await rawGet(baseUrl, path, { ...UPGRADE_HEADERS, Upgrade: "h2c" }), 426);
      const version = await rawGet(baseUrl, path, {
        ...UPGRADE_HEADERS,
        "Sec-WebSocket-Version": "8",
      });
      expectJsonError(version, 426);
      expect(version.headers["sec-websocket-version"]).toBe("13");
      expectJsonError(await rawGet(baseUrl, path, without("Sec-WebSocket-Version")), 426);
      for (const key of ["", "short", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ==x"]) {
        expectJsonError(
          await rawGet(baseUrl, path, { ...UPGRADE_HEADERS, "Sec-WebSocket-Key": key }),
          400,
        );
      }
      expectJsonError(await rawGet(baseUrl, path, without("Sec-WebSocket-Key")), 400);
      expectJsonError(
        await rawGet(baseUrl, path, { ...UPGRADE_HEADERS, "Sec-WebSocket-Protocol": "chat" }),
        400,
      );
      // An upgrade on a request with a body, or on another route, never hangs.
      expectJsonError(await rawGet(baseUrl, path, UPGRADE_HEADERS, "POST"), 400);
      expectJsonError(await rawGet(baseUrl, "/nope", UPGRADE_HEADERS), 404);
      const health = await rawGet(baseUrl, "/healthz", UPGRADE_HEADERS);
      expect(health.status).toBe(200);
      const ok = await rawGet(baseUrl, path, UPGRADE_HEADERS);
      expect(ok.status).toBe(101);
      // RFC 6455: base64(SHA-1(key + GUID)); the RFC's own example key and answer.
      expect(ok.headers["sec-websocket-accept"]).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
      expect(ok.headers["sec-websocket-extensions"]).toBeUndefined();
    },
  },
  {
    name: "WebSocket wire format: count on connect, push with id and JSON data, pings, resume with after=",
    only: ["websocket"],
    async run({ baseUrl, userId, publish }) {
      const user = userId("wswire");
      const url = `${baseUrl}/api/notifications/${user}/ws`;
      const reader = await WebSocketTestReader.open(url);
      try {
        expect(reader.status).toBe(101);
        await reader.waitFor(() => reader.messages.length >= 1, "count message");
        expect(JSON.parse(reader.messages[0] ?? "")).toEqual({ type: "count", data: 0 });
        const published = await publish(user, "wire");
        await reader.waitFor(() => reader.messages.length >= 3, "push + count");
        const push = JSON.parse(reader.messages[1] ?? "") as Record<string, unknown>;
        expect(Object.keys(push)).toEqual(["type", "id", "data"]);
        expect(push).toMatchObject({ type: "push", id: published.id, data: published });
        expect(JSON.parse(reader.messages[2] ?? "")).toEqual({ type: "count", data: 1 });
        // heartbeatMs is 200 in these tests: pings keep the socket alive.
        await reader.waitFor(() => reader.pings >= 2, "pings", 3000);
        // What a client sends is ignored (one-way delivery), the socket stays.
        reader.ws.send("hello");
        await publish(user, "second");
        await reader.waitFor(() => reader.pushes().length >= 2, "second push");
        expect(reader.ended).toBe(false);
      } finally {
        reader.close();
      }
      // Resume: after= the first id brings only the second; an empty after= starts from now.
      const resumed = await WebSocketTestReader.open(`${url}?after=${reader.pushes()[0]?.id}`);
      try {
        await resumed.waitFor(() => resumed.events.some((e) => e.event === "count"), "count");
        expect(resumed.pushes().map((e) => JSON.parse(e.data).title)).toEqual(["second"]);
      } finally {
        resumed.close();
      }
      const empty = await WebSocketTestReader.open(`${url}?after=`);
      try {
        await empty.waitFor(() => empty.events.length >= 1, "count");
        expect(empty.events).toEqual([{ event: "count", id: undefined, data: "2" }]);
      } finally {
        empty.close();
      }
    },
  },
  {
    name: "healthz and the metric names the driver scrapes",
    async run({ strategy, baseUrl, userId, publish, client }) {
      const health = await fetch(`${baseUrl}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true });
      const user = userId("metrics");
      await publish(user);
      await client.collect(user, "0-0", 1);
      // Hold one delivery request open so the strategy's gauge is non-zero.
      const holder = isPushStrategy(strategy)
        ? await openPushReader(strategy, `${baseUrl}/api/notifications/${user}`)
        : undefined;
      const held =
        strategy === "long-polling"
          ? fetch(`${baseUrl}/api/notifications/${userId("hold")}/poll?timeoutMs=1500`)
          : undefined;
      await new Promise((resolve) => setTimeout(resolve, 150));
      const text = await (await fetch(`${baseUrl}/metrics`)).text();
      holder?.close();
      await held;
      for (const name of [
        "pvp_http_requests_total",
        "pvp_open_connections",
        "pvp_accepted_connections_total",
        "pvp_bytes_received_total",
        "pvp_bytes_sent_total",
        "pvp_held_polls",
        "pvp_open_streams",
        "pvp_notifications_delivered_total",
        "pvp_resets_total",
        "pvp_sse_streams_cut_total",
        "pvp_sse_max_buffered_bytes",
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "nodejs_eventloop_lag_p99_seconds",
      ]) {
        expect(text).toMatch(new RegExp(`^${name}(\\{| )`, "m"));
      }
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
      expect(value("pvp_notifications_delivered_total")).toBeGreaterThanOrEqual(1);
      expect(value("pvp_bytes_received_total")).toBeGreaterThan(0);
      expect(value("pvp_bytes_sent_total")).toBeGreaterThan(0);
      expect(value("pvp_open_connections")).toBeGreaterThanOrEqual(1);
      if (strategy === "long-polling") expect(value("pvp_held_polls")).toBe(1);
      if (isPushStrategy(strategy)) expect(value("pvp_open_streams")).toBe(1);
      expect(text).toMatch(/^pvp_http_requests_total\{route="\/healthz",status="200"\} \d+/m);
      // Both cut reasons are exported from the start, so "none" reads as 0, not as missing.
      expect(text).toMatch(/^pvp_sse_streams_cut_total\{reason="stalled"\} \d+/m);
      expect(text).toMatch(/^pvp_sse_streams_cut_total\{reason="buffer-full"\} \d+/m);
    },
  },
];
