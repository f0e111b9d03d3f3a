/**
 * Property-based input fuzzing over real HTTP: whatever goes into a route's inputs (user id path
 * segment, `after`, `timeoutMs`, `lastEventId`, the Last-Event-ID header, the publish body), the
 * server answers 2xx or 4xx (never 5xx), every 4xx is a JSON `{error, detail}`, and it keeps
 * serving. One server per strategy on one real Redis; holds are avoided (`timeoutMs=0`, a user
 * that has a notification) and SSE streams are aborted once their headers arrive. The WebSocket
 * route also gets arbitrary upgrade handshakes (Upgrade, Connection, Sec-WebSocket-* headers):
 * each is answered 101 (then closed) or 4xx JSON, before any upgrade, and never hangs.
 */
import { request } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STRATEGIES, type StrategyId } from "../src/model/strategies.ts";
import { type NotificationSource, openNotificationSource } from "../src/notifications/index.ts";
import { type RedisHandle, startRedis } from "../src/redis/managed-redis.ts";
import { createServer, type PushVsPollServer } from "./http-shell.ts";

const NUM_RUNS = 100;
/** A user that has a notification, so a long poll without a cursor answers at once. */
const USER = "fuzz-user";

let redis: RedisHandle;
let source: NotificationSource;
const servers = new Map<StrategyId, { server: PushVsPollServer; url: string }>();

beforeAll(async () => {
  redis = await startRedis();
  source = await openNotificationSource({ redisUrl: redis.url, keyPrefix: "fuzz:" });
  await source.publish(USER, { title: "seed", message: "m" });
  for (const strategy of STRATEGIES) {
    const server = createServer({ strategy, source, log: () => {} });
    servers.set(strategy, { server, url: await server.listen(0) });
  }
});
afterAll(async () => {
  for (const { server } of servers.values()) await server.close();
  await source?.close();
  await redis?.stop();
});

function baseUrl(strategy: StrategyId): string {
  const entry = servers.get(strategy);
  if (!entry) throw new Error(`no ${strategy} server`);
  return entry.url;
}

/** Percent-encodes any string, lone surrogates included (encodeURIComponent throws on those). */
function encode(text: string): string {
  return encodeURIComponent(text.replace(/[\uD800-\uDFFF]/gu, "\uFFFD"));
}

/** The delivery path of `strategy` for a (raw, already encoded) user segment. */
function deliveryPath(strategy: StrategyId, userSegment: string): string {
  const suffixes: Record<StrategyId, string> = {
    sse: "/sse",
    websocket: "/ws",
    "long-polling": "/poll",
    "short-polling": "",
  };
  return `/api/notifications/${userSegment}${suffixes[strategy]}`;
}

/**
 * A raw GET with `headers` (fetch refuses Connection and Upgrade): resolves to the status and,
 * for 4xx, the parsed JSON body; a 101 is closed at once.
 */
function rawUpgrade(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"] ?? "", body }),
      );
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, type: "", body: "" });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer in 5 s to ${url.slice(0, 200)}`)));
    req.on("error", reject);
    req.end();
  });
}

/**
 * Sends the request and checks the contract: 2xx or 4xx, JSON `{error, detail}` for 4xx.
 * An SSE 200 is aborted as soon as its headers arrive.
 */
async function expectHandled(url: string, init: RequestInit = {}): Promise<number> {
  const abort = new AbortController();
  const res = await fetch(url, { ...init, signal: abort.signal });
  try {
    expect(res.status, `${init.method ?? "GET"} ${url.slice(0, 200)}`).toBeGreaterThanOrEqual(200);
    expect(res.status, `${init.method ?? "GET"} ${url.slice(0, 200)}`).toBeLessThan(500);
    if (res.status >= 400) {
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      const body = (await res.json()) as { error?: unknown; detail?: unknown };
      expect(typeof body.error).toBe("string");
      expect(typeof body.detail).toBe("string");
    } else if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
      abort.abort();
    } else {
      await res.arrayBuffer();
    }
  } finally {
    abort.abort();
  }
  return res.status;
}

const anyString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ maxLength: 80 }),
  // Long: some stay under the 16 KiB header limit, some exceed it (431).
  fc.string({ minLength: 1000, maxLength: 6000 }),
);

/** Strings that look almost like cursors `<digits>-<digits>`. */
const nearMissCursor = fc.oneof(
  fc.stringMatching(/^\d{1,25}-\d{1,25}$/),
  fc.stringMatching(/^-?\d{0,22}[-_.: +]?\d{0,22}[\0\r\n\t ]?$/),
  fc.stringMatching(/^[\0\r\n]?\d{1,5}-\d{1,5}[\0\r\n]?$/),
  fc.bigInt({ min: 0n, max: 2n ** 70n }).map((n) => `${n}-${n}`),
  fc.constantFrom("0-0", "18446744073709551615-18446744073709551615", "18446744073709551616-0"),
  fc.integer({ min: 1, max: 200 }).map((n) => `${"9".repeat(n)}-0`),
);

const cursorInput = fc.oneof(anyString, nearMissCursor);

/** Values a client can put in an HTTP header: printable ASCII (no CR, LF, NUL). */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }),
  nearMissCursor.filter((s) => /^[\x20-\x7e]*$/.test(s)),
);

const timeoutInput = fc.oneof(
  anyString,
  fc.integer().map(String),
  fc.double().map(String),
  fc.stringMatching(/^[-+]?\d{0,12}(\.\d{0,3})?(e\d)?$/),
);

describe.each(STRATEGIES)("%s server under arbitrary input", (strategy) => {
  it("user id path segment", async () => {
    await fc.assert(
      fc.asyncProperty(anyString, async (userId) => {
        const query = strategy === "long-polling" ? "?timeoutMs=0" : "";
        await expectHandled(
          `${baseUrl(strategy)}${deliveryPath(strategy, encode(userId))}${query}`,
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(strategy === "sse" ? "lastEventId query" : "after cursor", async () => {
    const name = strategy === "sse" ? "lastEventId" : "after";
    const extra = strategy === "long-polling" ? "&timeoutMs=0" : "";
    await fc.assert(
      fc.asyncProperty(cursorInput, async (cursor) => {
        await expectHandled(
          `${baseUrl(strategy)}${deliveryPath(strategy, USER)}?${name}=${encode(cursor)}${extra}`,
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it.runIf(strategy === "long-polling")("timeoutMs", async () => {
    await fc.assert(
      fc.asyncProperty(timeoutInput, async (timeoutMs) => {
        // No cursor and a user with a notification: answered at once whatever the hold.
        await expectHandled(
          `${baseUrl(strategy)}${deliveryPath(strategy, USER)}?timeoutMs=${encode(timeoutMs)}`,
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it.runIf(strategy === "sse")("Last-Event-ID header", async () => {
    await fc.assert(
      fc.asyncProperty(headerValue, async (lastEventId) => {
        await expectHandled(`${baseUrl(strategy)}${deliveryPath(strategy, USER)}`, {
          headers: { "Last-Event-ID": lastEventId },
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it.runIf(strategy === "websocket")("upgrade handshake headers and cursor", async () => {
    const validKey = "dGhlIHNhbXBsZSBub25jZQ==";
    const header = (valid: string, ...near: string[]) =>
      fc.oneof(fc.constant(valid), fc.constantFrom(...near), headerValue, fc.constant(undefined));
    const handshake = fc.record({
      Connection: header("Upgrade", "upgrade", "keep-alive, Upgrade", "close"),
      Upgrade: header("websocket", "WebSocket", "h2c", "websocket, h2c"),
      "Sec-WebSocket-Version": header("13", "8", "13, 8", "013"),
      "Sec-WebSocket-Key": header(validKey, "", "short", `${validKey}x`, "A".repeat(24)),
      "Sec-WebSocket-Protocol": fc.option(headerValue, { nil: undefined }),
      "Sec-WebSocket-Extensions": fc.option(
        fc.constantFrom("permessage-deflate", "permessage-deflate; client_max_window_bits", "x"),
        { nil: undefined },
      ),
    });
    const cursor = fc.option(cursorInput, { nil: undefined });
    await fc.assert(
      fc.asyncProperty(handshake, cursor, async (given, after) => {
        const headers = Object.fromEntries(
          Object.entries(given).filter(([, value]) => value !== undefined),
        ) as Record<string, string>;
        const query = after === undefined ? "" : `?after=${encode(after)}`;
        const url = `${baseUrl(strategy)}${deliveryPath(strategy, USER)}${query}`;
        const answer = await rawUpgrade(url, headers);
        const what = `${JSON.stringify(headers).slice(0, 300)} ${query.slice(0, 100)}`;
        if (answer.status === 101) return;
        expect(answer.status, what).toBeGreaterThanOrEqual(400);
        expect(answer.status, what).toBeLessThan(500);
        expect(answer.type, what).toMatch(/^application\/json/);
        const body = JSON.parse(answer.body) as { error?: unknown; detail?: unknown };
        expect(typeof body.error, what).toBe("string");
        expect(typeof body.detail, what).toBe("string");
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("publish body: arbitrary JSON, near-valid payloads and raw text", async () => {
    const nearValid = fc.record(
      {
        title: fc.oneof(fc.string(), fc.jsonValue()),
        message: fc.oneof(fc.string(), fc.jsonValue()),
        link: fc.oneof(fc.string(), fc.jsonValue()),
        serviceType: fc.string(),
        meta: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const valid = fc.record(
      {
        title: fc.string({ unit: "binary", minLength: 1 }),
        message: fc.string({ unit: "binary" }),
        link: fc.string(),
        serviceType: fc.string(),
        meta: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.double(), fc.boolean())),
      },
      { requiredKeys: ["title", "message"] },
    );
    const body = fc.oneof(
      valid.map((value) => JSON.stringify(value)),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      nearValid.map((value) => JSON.stringify(value)),
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.string({ unit: "binary", minLength: 17_000, maxLength: 20_000 }),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (raw, weirdUser) => {
        const user = weirdUser ? encode(`${raw.slice(0, 20)}`) : "fuzz-publisher";
        await expectHandled(`${baseUrl(strategy)}/api/notifications/${user}`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: raw,
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("still answers /healthz after the fuzzing", async () => {
    const res = await fetch(`${baseUrl(strategy)}/healthz`);
    expect(res.status).toBe(200);
  });
});
