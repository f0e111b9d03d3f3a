/**
 * The live demo page every server serves at `GET /` (`/?user=<id>`, default user "demo"): one
 * user's notifications as they arrive through this server's strategy, the `count` badge, the
 * connection state, the requests and body bytes the page itself spent, and a publish form.
 *
 * Self-contained: inline CSS and JS, no external resources, no build step. The page runs under a
 * strict Content-Security-Policy that allows only this exact script and style (by SHA-256) and
 * same-origin requests (CSP 3's 'self' covers the same host's ws: and wss:). Data reaches the script as a JSON block (`<` escaped as \u003c), never
 * as code, and every notification field is rendered with textContent (servers/demo-page-script.ts).
 *
 * Links to the same user on the other strategies: a server cannot know where the other two run,
 * so the page takes them as optional query parameters, e.g.
 *   /?user=alice&sse=http://127.0.0.1:3000&long-polling=http://127.0.0.1:3001
 * (origins only, http/https) and carries them along; without them it says how to start the others.
 */
import { createHash } from "node:crypto";
import type { Express, Request } from "express";
import { STRATEGIES, type StrategyId } from "../src/model/strategies.ts";
import { USER_ID_PATTERN } from "../src/notifications/index.ts";
import { DEMO_PAGE_SCRIPT } from "./demo-page-script.ts";
import { badRequest } from "./http-errors.ts";
import { singleQuery } from "./request-validation.ts";

export const DEFAULT_DEMO_USER = "demo";

/** Where the same user's page lives on the other strategies' servers (origins). */
export type DemoLinks = Partial<Record<StrategyId, string>>;

export interface DemoPageOptions {
  strategy: StrategyId;
  userId: string;
  /** Origins (`http://host:port`) of the other strategies' servers, when known. */
  links?: DemoLinks;
}

const STRATEGY_INFO: Record<StrategyId, { label: string; how: string }> = {
  websocket: {
    label: "WebSocket",
    how:
      "One browser WebSocket: GET /api/notifications/:user/ws upgrades, then the server pushes " +
      "'push' and 'count' messages. The browser does not reconnect by itself: after a close the " +
      "page opens a new socket and resumes with ?after=<last id>.",
  },
  sse: {
    label: "Server-Sent Events",
    how:
      "One EventSource stream: GET /api/notifications/:user/sse. The server pushes 'push' and " +
      "'count' events; after a drop the browser reconnects by itself and resumes with Last-Event-ID.",
  },
  "long-polling": {
    label: "Long polling",
    how:
      "GET /api/notifications/:user/poll?after=<cursor>&timeoutMs=25000 is held until something " +
      "arrives (or 25 s pass), then the page asks again at once with the new cursor.",
  },
  "short-polling": {
    label: "Short polling",
    how:
      "GET /api/notifications/:user?after=<cursor> answers at once; the page asks again 1 s " +
      "after each answer, whether or not anything arrived.",
  },
};

/** Ports used in the "start the others" hint (the README uses 3000 for SSE). */
const SUGGESTED_PORT: Record<StrategyId, number> = {
  sse: 3000,
  "long-polling": 3001,
  "short-polling": 3002,
  websocket: 3003,
};

const STYLE = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5d6878; --line: #dde2ea; --bg: #f5f7fa;
  --accent: #2458c6; --ok: #1c7c47; --warn: #a05a00; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--bg); }
header { background: #fff; border-bottom: 1px solid var(--line); padding: 14px 24px;
  display: flex; flex-wrap: wrap; align-items: center; gap: 10px 18px; }
h1 { font-size: 19px; margin: 0; }
h1 .strategy { color: var(--accent); }
h2 { font-size: 14px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
  margin: 0 0 8px; }
.pill { border-radius: 999px; padding: 2px 10px; font-size: 13px; border: 1px solid var(--line);
  background: #fff; }
.user { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
#state[data-state="connected"] { color: var(--ok); border-color: var(--ok); }
#state[data-state="connecting"], #state[data-state="reconnecting"] { color: var(--warn);
  border-color: var(--warn); }
#state[data-state="error"] { color: var(--bad); border-color: var(--bad); }
#state-text { font-weight: 600; }
#state-detail { color: var(--muted); font-size: 12px; margin-left: 6px; }
.count { display: inline-flex; align-items: center; gap: 6px; }
#count { background: var(--bad); color: #fff; border-radius: 999px; min-width: 26px;
  padding: 1px 8px; text-align: center; font-weight: 700; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 320px; gap: 20px; padding: 20px 24px;
  max-width: 1200px; }
@media (max-width: 800px) { main { grid-template-columns: 1fr; } }
section, aside > div { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 14px 16px; }
aside { display: flex; flex-direction: column; gap: 16px; }
.how { color: var(--muted); margin: 0 0 12px; font-size: 13px; }
#list { list-style: none; margin: 0; padding: 0; }
.note { border-top: 1px solid var(--line); padding: 10px 0; }
.note:first-child { border-top: 0; }
.note-head { display: flex; gap: 10px; align-items: baseline; }
.note-seq { font-family: ui-monospace, monospace; color: var(--accent); font-weight: 600; }
.note-title { font-weight: 600; white-space: pre-wrap; overflow-wrap: anywhere; flex: 1; }
.note-time { font-family: ui-monospace, monospace; color: var(--muted); font-size: 12px; }
.note-message { white-space: pre-wrap; overflow-wrap: anywhere; margin-top: 2px; }
.note-extra { color: var(--muted); font-size: 12px; margin-top: 2px; white-space: pre-wrap;
  overflow-wrap: anywhere; }
.muted, #empty, #start-note { color: var(--muted); font-size: 13px; }
#reset-note { color: var(--warn); border-left: 3px solid var(--warn); padding: 4px 10px;
  font-size: 13px; white-space: pre-wrap; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; margin: 0; font-size: 14px; }
dt { color: var(--muted); }
dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
.note-small { color: var(--muted); font-size: 12px; margin: 8px 0 0; }
label { display: block; font-size: 13px; color: var(--muted); margin: 6px 0 2px; }
input, textarea { width: 100%; font: inherit; padding: 6px 8px; border: 1px solid var(--line);
  border-radius: 6px; }
textarea { min-height: 64px; resize: vertical; }
button { margin-top: 10px; font: inherit; padding: 6px 14px; border: 0; border-radius: 6px;
  background: var(--accent); color: #fff; cursor: pointer; }
#publish-result { font-size: 13px; margin-top: 8px; white-space: pre-wrap; overflow-wrap: anywhere; }
#publish-result[data-status="ok"] { color: var(--ok); }
#publish-result[data-status="error"] { color: var(--bad); }
#links { margin: 0; padding-left: 18px; font-size: 14px; }
code { font-family: ui-monospace, monospace; font-size: 12px; background: var(--bg);
  padding: 1px 4px; border-radius: 4px; }
`;

function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/**
 * The page's Content-Security-Policy: only this script and style run, requests go to this
 * origin only (the publish fetch, the polls, the EventSource), nothing else loads.
 */
export const DEMO_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${cspHash(DEMO_PAGE_SCRIPT)}`,
  `style-src ${cspHash(STYLE)}`,
  "connect-src 'self'",
  // `data:` only for the empty favicon below (stops the browser asking for /favicon.ico).
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Headers to send with the page. */
export const DEMO_PAGE_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  "Content-Security-Policy": DEMO_PAGE_CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

/** The user id rule of the API ([A-Za-z0-9_-]{1,64}); the same 400 as the API otherwise. */
export function validateDemoUserId(userId: string): string {
  if (!USER_ID_PATTERN.test(userId)) {
    throw badRequest(
      "invalid user id",
      "the user id must be 1-64 characters from A-Z, a-z, 0-9, '_' and '-'",
    );
  }
  return userId;
}

/** A link parameter -> its origin; only http(s) URLs without credentials are accepted. */
export function normalizeDemoLink(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    url = new URL("invalid:");
  }
  if (
    (url.protocol !== "http:" && url.protocol !== "https:") ||
    url.username !== "" ||
    url.password !== ""
  ) {
    throw badRequest(
      `invalid ${name} link`,
      `'${name}' must be the http(s) address of that strategy's server, e.g. http://127.0.0.1:3001`,
    );
  }
  return url.origin;
}

/** JSON for a `<script type="application/json">` block: nothing in it can end the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Renders the page (pure). Throws the API's 400 HttpError for an invalid user id or link. */
export function renderDemoPage({ strategy, userId, links = {} }: DemoPageOptions): string {
  if (!(STRATEGIES as readonly string[]).includes(strategy)) {
    throw new TypeError(`unknown strategy '${String(strategy)}'`);
  }
  validateDemoUserId(userId);
  const otherLinks: DemoLinks = {};
  for (const other of STRATEGIES) {
    const link = links[other];
    if (link === undefined) continue;
    // Every given link is checked; this strategy's own is then dropped (the page uses its origin).
    const origin = normalizeDemoLink(other, link);
    if (other !== strategy) otherLinks[other] = origin;
  }
  const info = STRATEGY_INFO[strategy];
  const config = { strategy, userId, strategies: STRATEGIES, links: otherLinks };
  const user = escapeHtml(userId);
  const others = STRATEGIES.filter((other) => other !== strategy);
  const startOthers = others
    .map(
      (other) =>
        `<li><code>npm run server -- --strategy ${other} --port ${SUGGESTED_PORT[other]}</code></li>`,
    )
    .join("");
  const linkExample = others
    .map((other) => `&amp;${other}=http://127.0.0.1:${SUGGESTED_PORT[other]}`)
    .join("");

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>push-vs-poll demo · ${strategy} · ${user}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>push-vs-poll · <span class="strategy">${strategy}</span> <span class="muted">(${info.label})</span></h1>
  <span class="pill user" title="user id">user ${user}</span>
  <span class="pill count">count <span id="count" title="notifications ever published to this user">0</span></span>
  <span class="pill" id="state" data-state="connecting"><span id="state-text">connecting</span><span id="state-detail"></span></span>
</header>
<main>
  <section>
    <h2>Notifications (newest first)</h2>
    <p class="how">${escapeHtml(info.how)}</p>
    <p id="start-note"></p>
    <p id="reset-note" role="status" hidden></p>
    <p id="empty">Nothing yet. This page starts from now: publish one with the form.</p>
    <ol id="list" aria-live="polite"></ol>
    <noscript><p>This demo needs JavaScript.</p></noscript>
  </section>
  <aside>
    <div>
      <h2>Publish to ${user}</h2>
      <form id="publish" novalidate>
        <label for="title">title</label>
        <input id="title" name="title" value="Hello" autocomplete="off">
        <label for="message">message</label>
        <textarea id="message" name="message">Sent from the demo page</textarea>
        <button type="submit">Publish</button>
        <div id="publish-result" role="status"></div>
      </form>
    </div>
    <div>
      <h2>This page's traffic</h2>
      <dl>
        <dt>delivery requests</dt><dd id="stat-requests">0</dd>
        <dt>body bytes received</dt><dd id="stat-bytes">0</dd>
        <dt>notifications</dt><dd id="stat-received">0</dd>
        <dt>repeated ids</dt><dd id="stat-repeated">0</dd>
        <dt title="the history was trimmed past the page's cursor">resets</dt><dd id="stat-resets">0</dd>
        <dt>cursor</dt><dd id="cursor"></dd>
      </dl>
      <p class="note-small">Bytes are response bodies as the page's JavaScript sees them (UTF-8
      length${strategy === "sse" ? " of each event's data; event/id/retry lines and heartbeats are consumed by EventSource" : strategy === "websocket" ? " of each message; frame headers, pings and pongs are handled by the browser" : ""}).
      Headers and framing are not visible to page JS; <code>npm run bench</code> counts socket bytes.
      Publishing is not counted.</p>
    </div>
    <div>
      <h2>Same user, other strategies</h2>
      <ul id="links"></ul>
      <p class="note-small">Each strategy is its own server. Start the others, e.g.</p>
      <ul class="note-small">${startOthers}</ul>
      <p class="note-small">then link them: <code>/?user=${user}${linkExample}</code></p>
    </div>
  </aside>
</main>
<script type="application/json" id="demo-config">${jsonForScript(config)}</script>
<script>${DEMO_PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** Mounts `GET /` (the demo page of this server's strategy). */
export function installDemoPage(app: Express, strategy: StrategyId): void {
  app.get("/", (req: Request, res) => {
    const userId = singleQuery(req, "user") ?? DEFAULT_DEMO_USER;
    const links: DemoLinks = {};
    for (const other of STRATEGIES) {
      const value = singleQuery(req, other);
      if (value !== undefined && value !== "") links[other] = value;
    }
    const html = renderDemoPage({ strategy, userId, links });
    res.set(DEMO_PAGE_HEADERS).status(200).send(html);
  });
}
