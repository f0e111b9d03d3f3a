/**
 * The demo page at `GET /`: the pure renderer, the route's answers over real HTTP, and the page
 * itself in a real Chromium against real servers (port 0) on a real Redis. Asserts behaviour
 * (what the page shows, exactly once, in order), never speed.
 *
 * Screenshot: docs/images/demo-sse.png is written only when UPDATE_SCREENSHOTS=1 or when the
 * file does not exist yet, so ordinary and CI runs never rewrite the committed image.
 * Refresh it with: UPDATE_SCREENSHOTS=1 npx vitest run servers/demo-page.test.ts
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STRATEGIES, type StrategyId } from "../src/model/strategies.ts";
import { type NotificationSource, openNotificationSource } from "../src/notifications/index.ts";
import { type RedisHandle, startRedis } from "../src/redis/managed-redis.ts";
import {
  CHROMIUM_PATH,
  HAS_CHROMIUM,
  launchChromium,
  NO_CHROMIUM_REASON,
} from "../src/test-support/chromium.ts";
import { DEMO_PAGE_CSP, jsonForScript, normalizeDemoLink, renderDemoPage } from "./demo-page.ts";
import { DEMO_PAGE_SCRIPT } from "./demo-page-script.ts";
import { HttpError } from "./http-errors.ts";
import { createServer, type PushVsPollServer } from "./http-shell.ts";
import { waitUntil } from "./test-support/case-context.ts";

const hasChromium = HAS_CHROMIUM;
if (!hasChromium) console.warn(`the demo page browser tests are skipped: ${NO_CHROMIUM_REASON}`);
const SCREENSHOT = fileURLToPath(new URL("../docs/images/demo-sse.png", import.meta.url));
const WAIT_MS = 15_000;

// ---------------------------------------------------------------------------------------------
describe("renderDemoPage (pure)", () => {
  it("embeds the config as JSON with < escaped, runs only the hashed script, names the strategy", () => {
    const html = renderDemoPage({
      strategy: "sse",
      userId: "alice",
      links: { "long-polling": "http://127.0.0.1:3001/some/path?x=</script><b>" },
    });
    const block = /<script type="application\/json" id="demo-config">(.*?)<\/script>/s.exec(html);
    expect(block).not.toBeNull();
    const json = block?.[1] ?? "";
    expect(json).not.toContain("<");
    expect(JSON.parse(json)).toEqual({
      strategy: "sse",
      userId: "alice",
      strategies: [...STRATEGIES],
      // Links are reduced to their origin.
      links: { "long-polling": "http://127.0.0.1:3001" },
    });
    expect(html).toContain(`<script>${DEMO_PAGE_SCRIPT}</script>`);
    // Only two <script> elements: the data block and the page script; no external resources.
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).toContain('<span class="strategy">sse</span>');
    expect(DEMO_PAGE_CSP).toContain("default-src 'none'");
    expect(DEMO_PAGE_CSP).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
  });

  it("escapes every character that could end the data block", () => {
    const text = jsonForScript({ a: "</script><!-- & \u2028 \u2029 >" });
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual({ a: "</script><!-- & \u2028 \u2029 >" });
  });

  it("rejects an invalid user id or link with the API's 400", () => {
    for (const userId of ["", "a b", "<script>", "x".repeat(65), "é"]) {
      const attempt = () => renderDemoPage({ strategy: "short-polling", userId });
      expect(attempt).toThrow(HttpError);
      expect(attempt).toThrow(/invalid user id/);
    }
    expect(() => normalizeDemoLink("sse", "javascript:alert(1)")).toThrow(/invalid sse link/);
    expect(() => normalizeDemoLink("sse", "http://user:pw@host/")).toThrow(HttpError);
    expect(() => normalizeDemoLink("sse", "not a url")).toThrow(HttpError);
    expect(normalizeDemoLink("sse", "https://demo.example:8443/x")).toBe(
      "https://demo.example:8443",
    );
  });
});

// ---------------------------------------------------------------------------------------------
let redis: RedisHandle;
let source: NotificationSource;
const servers = new Map<StrategyId, { server: PushVsPollServer; url: string }>();
const logs: string[] = [];

beforeAll(async () => {
  redis = await startRedis();
  source = await openNotificationSource({
    redisUrl: redis.url,
    keyPrefix: `demo-test:${process.pid}:${Date.now()}:`,
  });
  for (const strategy of STRATEGIES) {
    const server = createServer({ strategy, source, log: (line) => logs.push(line) });
    servers.set(strategy, { server, url: await server.listen(0) });
  }
});
afterAll(async () => {
  await Promise.all([...servers.values()].map(({ server }) => server.close()));
  await source?.close();
  await redis?.stop();
});

function baseUrl(strategy: StrategyId): string {
  const entry = servers.get(strategy);
  if (entry === undefined) throw new Error(`no ${strategy} server`);
  return entry.url;
}

async function publishViaApi(
  strategy: StrategyId,
  userId: string,
  title: string,
  message: string,
): Promise<void> {
  const response = await fetch(`${baseUrl(strategy)}/api/notifications/${userId}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title, message }),
  });
  expect(response.status).toBe(201);
}

let userCounter = 0;
const newUser = (name: string) => `${name}-${++userCounter}`;

describe.each(STRATEGIES)("GET / on the %s server", (strategy) => {
  it("serves the page: text/html, no-store, CSP; invalid user id / link / repeated user -> 400 JSON", async () => {
    const ok = await fetch(`${baseUrl(strategy)}/?user=alice`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(ok.headers.get("content-security-policy")).toBe(DEMO_PAGE_CSP);
    const html = await ok.text();
    expect(html).toContain(`<span class="strategy">${strategy}</span>`);
    expect(html).toContain('"userId":"alice"');

    const byDefault = await (await fetch(`${baseUrl(strategy)}/`)).text();
    expect(byDefault).toContain('"userId":"demo"');

    for (const query of [
      "?user=bad%20id",
      "?user=%3Cscript%3E",
      "?user=",
      `?user=${"x".repeat(65)}`,
      "?user=a&user=b",
      "?sse=javascript:alert(1)",
    ]) {
      const response = await fetch(`${baseUrl(strategy)}/${query}`);
      expect(response.status, query).toBe(400);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      const body = (await response.json()) as { error?: unknown; detail?: unknown };
      expect(typeof body.error, query).toBe("string");
      expect(typeof body.detail, query).toBe("string");
    }
    const invalid = (await (await fetch(`${baseUrl(strategy)}/?user=bad%20id`)).json()) as {
      error: string;
    };
    expect(invalid.error).toBe("invalid user id");
  });
});

// ---------------------------------------------------------------------------------------------
interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught page errors. */
  errors: string[];
  dialogs: string[];
}

describe.skipIf(!hasChromium)(`the demo page in a real browser (${CHROMIUM_PATH})`, () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
    await browser?.close();
  });

  async function openDemo(strategy: StrategyId, query: string): Promise<OpenedPage> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${baseUrl(strategy)}/${query}`);
    await waitForState(page, "connected");
    return { page, context, errors, dialogs };
  }

  /**
   * Polls an expression until it is true. Not page.waitForFunction: its in-page polling uses
   * eval, which the page's CSP (rightly) forbids; page.evaluate goes through the DevTools protocol.
   */
  function waitForPage(page: Page, expression: string, what: string): Promise<void> {
    return waitUntil(async () => (await page.evaluate(expression)) === true, what, WAIT_MS);
  }

  function waitForState(page: Page, state: string): Promise<void> {
    return waitForPage(
      page,
      `document.getElementById("state").getAttribute("data-state") === ${JSON.stringify(state)}`,
      `state ${state}`,
    );
  }

  function waitForCount(page: Page, count: number): Promise<void> {
    return waitForPage(
      page,
      `document.getElementById("count").textContent === "${count}"`,
      `count ${count}`,
    );
  }

  /** Seqs in arrival order (the list shows newest first). */
  async function listedSeqs(page: Page): Promise<number[]> {
    const seqs = (await page.evaluate(
      `Array.from(document.querySelectorAll("#list .note")).map((n) => Number(n.getAttribute("data-seq")))`,
    )) as number[];
    return seqs.reverse();
  }

  async function waitForSeqs(page: Page, expected: number[]): Promise<void> {
    await waitUntil(
      async () => {
        const seqs = await listedSeqs(page);
        return seqs.length >= expected.length;
      },
      `the page to list ${expected.length} notifications`,
      WAIT_MS,
    );
    expect(await listedSeqs(page)).toEqual(expected);
  }

  /**
   * Closes the strategy's server, runs `during`, then starts a new server on THE SAME port
   * (even when `during` failed, so later tests still have a server).
   */
  async function withServerDown(strategy: StrategyId, during: () => Promise<void>): Promise<void> {
    const old = servers.get(strategy);
    if (old === undefined) throw new Error(`no ${strategy} server`);
    await old.server.close();
    try {
      await during();
    } finally {
      const restarted = createServer({ strategy, source, log: (line) => logs.push(line) });
      const url = await restarted.listen(Number(new URL(old.url).port));
      servers.set(strategy, { server: restarted, url });
      expect(url).toBe(old.url);
    }
  }

  const text = (page: Page, selector: string) =>
    page.locator(selector).first().textContent({ timeout: WAIT_MS });

  it.each(STRATEGIES)(
    "%s: three published notifications appear in order and count is 3",
    async (strategy) => {
      const userId = newUser(`three-${strategy}`);
      const { page, errors } = await openDemo(strategy, `?user=${userId}`);
      expect(await text(page, "h1 .strategy")).toBe(strategy);
      for (const n of [1, 2, 3])
        await publishViaApi(strategy, userId, `title ${n}`, `message ${n}`);
      await waitForSeqs(page, [1, 2, 3]);
      await waitForCount(page, 3);
      const titles = (await page.evaluate(
        `Array.from(document.querySelectorAll("#list .note-title")).map((n) => n.textContent)`,
      )) as string[];
      expect(titles.reverse()).toEqual(["title 1", "title 2", "title 3"]);
      expect(await text(page, "#stat-repeated")).toBe("0");
      const requests = Number(await text(page, "#stat-requests"));
      if (strategy === "sse" || strategy === "websocket") expect(requests).toBe(1);
      else expect(requests).toBeGreaterThanOrEqual(2);
      expect(Number((await text(page, "#stat-bytes"))?.replace(/,/g, ""))).toBeGreaterThan(0);
      // The strict CSP let the inline script run (the page works) and blocked nothing.
      expect(errors).toEqual([]);
    },
  );

  it.each(STRATEGIES)(
    "%s: HTML and line breaks in a payload render as text, as one notification",
    async (strategy) => {
      const userId = newUser(`xss-${strategy}`);
      const { page, errors, dialogs } = await openDemo(strategy, `?user=${userId}`);
      const title = `<b>bold</b> & "quoted"`;
      const message = "<img src=x onerror=alert(1)>\nline2\r\n<script>alert(2)</script>";
      await publishViaApi(strategy, userId, title, message);
      await waitForSeqs(page, [1]);
      expect(await text(page, "#list .note-title")).toBe(title);
      // CRLF is kept by JSON; the browser's textContent keeps the characters as published.
      expect(await text(page, "#list .note-message")).toBe(message);
      const found = (await page.evaluate(
        `({ img: document.querySelectorAll("img").length,
          b: document.querySelectorAll("#list b").length,
          scripts: document.querySelectorAll("#list script").length,
          whiteSpace: getComputedStyle(document.querySelector("#list .note-message")).whiteSpace })`,
      )) as { img: number; b: number; scripts: number; whiteSpace: string };
      expect(found).toEqual({ img: 0, b: 0, scripts: 0, whiteSpace: "pre-wrap" });
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    },
  );

  it("sse: after a server restart on the same port, the notifications published in the gap arrive exactly once", async () => {
    const userId = newUser("restart");
    const { page } = await openDemo("sse", `?user=${userId}`);
    const lastEventIds: string[] = [];
    page.on("request", (request) => {
      if (!request.url().includes("/sse")) return;
      void request.allHeaders().then((headers) => {
        const id = headers["last-event-id"];
        if (id !== undefined) lastEventIds.push(id);
      });
    });
    await publishViaApi("sse", userId, "before", "before the restart");
    await waitForSeqs(page, [1]);
    const firstId = await page.locator("#list .note").first().getAttribute("data-id");

    await withServerDown("sse", async () => {
      // Published while no server runs: straight into the source, as the driver does.
      await source.publish(userId, { title: "gap 1", message: "published while down" });
      await source.publish(userId, { title: "gap 2", message: "published while down" });
      await waitForPage(
        page,
        `document.getElementById("state").getAttribute("data-state") !== "connected"`,
        "the page to notice the closed stream",
      );
    });

    // EventSource waits the server's retry (2 s) between attempts, so allow a few of them.
    await waitForSeqs(page, [1, 2, 3]);
    await waitForState(page, "connected");
    // A marker after the gap: anything delivered twice would have arrived before it.
    await publishViaApi("sse", userId, "after", "after the restart");
    await waitForSeqs(page, [1, 2, 3, 4]);
    await waitForCount(page, 4);
    expect(await text(page, "#stat-repeated")).toBe("0");
    // The browser resumed with Last-Event-ID = the id of the last notification it had seen.
    expect(lastEventIds).toContain(firstId);
  });

  it("websocket: after a server restart on the same port, the page resumes with ?after= and the gap arrives exactly once", async () => {
    const userId = newUser("restart-ws");
    const { page, errors } = await openDemo("websocket", `?user=${userId}`);
    const afters: string[] = [];
    page.on("websocket", (socket) => {
      const after = new URL(socket.url()).searchParams.get("after");
      if (after !== null) afters.push(after);
    });
    await publishViaApi("websocket", userId, "before", "before the restart");
    await waitForSeqs(page, [1]);
    const firstId = await page.locator("#list .note").first().getAttribute("data-id");

    await withServerDown("websocket", async () => {
      await source.publish(userId, { title: "gap 1", message: "published while down" });
      await source.publish(userId, { title: "gap 2", message: "published while down" });
      await waitForState(page, "reconnecting");
      // The shutdown closed the socket with 1001 (going away), and the page says so.
      expect(await text(page, "#state-detail")).toContain("socket closed (1001");
      expect(await text(page, "#state-detail")).toContain(`with ?after=${firstId}`);
    });

    await waitForSeqs(page, [1, 2, 3]);
    await waitForState(page, "connected");
    await publishViaApi("websocket", userId, "after", "after the restart");
    await waitForSeqs(page, [1, 2, 3, 4]);
    await waitForCount(page, 4);
    expect(await text(page, "#stat-repeated")).toBe("0");
    // The browser's new socket carried the id of the last notification it had seen.
    expect(afters).toContain(firstId);
    expect(errors.filter((e) => !e.includes("ERR_CONNECTION_REFUSED"))).toEqual([]);
  });

  it.each(["short-polling", "long-polling"] as const)(
    "%s: after a server restart, the page backs off, resumes from its cursor, nothing lost or repeated",
    async (strategy) => {
      const userId = newUser(`restart-${strategy}`);
      const { page } = await openDemo(strategy, `?user=${userId}`);
      const afters: string[] = [];
      page.on("request", (request) => {
        const after = new URL(request.url()).searchParams.get("after");
        if (after !== null) afters.push(after);
      });
      await publishViaApi(strategy, userId, "before", "before the restart");
      await waitForSeqs(page, [1]);
      const firstId = await page.locator("#list .note").first().getAttribute("data-id");

      await withServerDown(strategy, async () => {
        await source.publish(userId, { title: "gap 1", message: "published while down" });
        await source.publish(userId, { title: "gap 2", message: "published while down" });
        await waitForState(page, "reconnecting");
        expect(await text(page, "#state-detail")).toContain(`from cursor ${firstId}`);
      });

      await waitForSeqs(page, [1, 2, 3]);
      await waitForState(page, "connected");
      await publishViaApi(strategy, userId, "after", "after the restart");
      await waitForSeqs(page, [1, 2, 3, 4]);
      await waitForCount(page, 4);
      expect(await text(page, "#stat-repeated")).toBe("0");
      // Every request after the first carried a cursor; the retries carried the last one seen.
      expect(afters).toContain(firstId);
    },
  );

  it.each(STRATEGIES)(
    "%s: history trimmed past the page's cursor shows a reset notice and the kept notifications",
    async (strategy) => {
      const userId = newUser(`reset-${strategy}`);
      const { page, errors } = await openDemo(strategy, `?user=${userId}`);
      expect(await page.locator("#reset-note").isHidden()).toBe(true);
      await publishViaApi(strategy, userId, "before", "seen by the page");
      await waitForSeqs(page, [1]);

      // While the page cannot reach the server, seq 2..4 arrive and 2..3 are trimmed away again.
      await withServerDown(strategy, async () => {
        for (const n of [2, 3, 4]) {
          await source.publish(userId, { title: `gap ${n}`, message: "published while down" });
        }
        expect(await source.trimHistory(userId, 1)).toBe(3);
      });

      await waitForSeqs(page, [1, 4]);
      await waitForCount(page, 4);
      await waitForPage(
        page,
        `!document.getElementById("reset-note").hidden`,
        "the reset notice to show",
      );
      expect(await text(page, "#reset-note")).toMatch(
        /^Reset at \d\d:\d\d:\d\d\.\d{3}: notifications between (your|the) cursor and the oldest kept one were removed/,
      );
      expect(await text(page, "#stat-resets")).toBe("1");
      expect(await text(page, "#stat-repeated")).toBe("0");
      // Refused connections while the server was down are expected; nothing else may fail.
      expect(errors.filter((e) => !e.includes("ERR_CONNECTION_REFUSED"))).toEqual([]);
    },
  );

  it("long-polling: the form publishes, and a 4xx shows the server's JSON error detail", async () => {
    const userId = newUser("form");
    const { page } = await openDemo("long-polling", `?user=${userId}`);
    await page.fill("#title", "");
    await page.click("#publish button");
    await waitForPage(
      page,
      `document.getElementById("publish-result").getAttribute("data-status") === "error"`,
      "the publish error",
    );
    expect(await text(page, "#publish-result")).toBe(
      "400 invalid title: title is required and must be a non-empty string",
    );
    await page.fill("#title", "from the form");
    await page.fill("#message", "two\nlines");
    await page.click("#publish button");
    await waitForSeqs(page, [1]);
    expect(await text(page, "#list .note-title")).toBe("from the form");
    expect(await text(page, "#list .note-message")).toBe("two\nlines");
    expect(await text(page, "#publish-result")).toMatch(/^published seq 1 \(id \d+-\d+\)$/);
  });

  it("links open the same user on the other strategies when their servers are given", async () => {
    const userId = newUser("links");
    const query =
      `?user=${userId}&long-polling=${encodeURIComponent(baseUrl("long-polling"))}` +
      `&short-polling=${encodeURIComponent(`${baseUrl("short-polling")}/ignored/path`)}`;
    const { page } = await openDemo("sse", query);
    const hrefs = (await page.evaluate(
      `Array.from(document.querySelectorAll("#links a")).map((a) => a.href)`,
    )) as string[];
    expect(hrefs).toHaveLength(2);
    const lp = new URL(hrefs.find((href) => href.startsWith(baseUrl("long-polling"))) ?? "");
    expect(lp.searchParams.get("user")).toBe(userId);
    // The link carries all three servers, this page's origin included, so links keep working.
    expect(lp.searchParams.get("sse")).toBe(baseUrl("sse"));
    expect(lp.searchParams.get("short-polling")).toBe(baseUrl("short-polling"));

    await page.click("#links a >> text=long-polling");
    await waitForState(page, "connected");
    expect(await text(page, "h1 .strategy")).toBe("long-polling");
    expect(new URL(page.url()).searchParams.get("user")).toBe(userId);
  });

  it("screenshot of the SSE page (written only when missing or UPDATE_SCREENSHOTS=1)", async () => {
    const update = process.env.UPDATE_SCREENSHOTS === "1" || !existsSync(SCREENSHOT);
    const userId = "alice"; // the key prefix is unique per run
    const { page } = await openDemo("sse", `?user=${userId}`);
    const samples: [string, string][] = [
      ["Order #1042 shipped", "Your parcel left the warehouse and arrives Thursday."],
      ["New comment on “Q3 plan”", "Mina: looks good, but can we move the review\nto Friday?"],
      ["Build passed", "main @ 18fb08b: 412 tests, 0 failures"],
      ["<b>not bold</b>", "<img src=x onerror=alert(1)> renders as text"],
    ];
    for (const [title, message] of samples) await publishViaApi("sse", userId, title, message);
    await waitForSeqs(page, [1, 2, 3, 4]);
    await waitForCount(page, 4);
    if (!update) return;
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
