/**
 * The browser side of the demo page (servers/demo-page.ts), kept as plain ES2017 text: no build
 * step, no framework, nothing external. The server embeds it verbatim, and the page's CSP allows
 * exactly this text (by its SHA-256), so editing it needs nothing else.
 *
 * Rules it follows:
 * - Every notification field reaches the DOM through textContent, never innerHTML, so a payload
 *   with markup or line breaks shows as text, as one notification (CSS white-space: pre-wrap).
 * - All three pages start from "now", like SSE without Last-Event-ID: the polling pages make a
 *   first request WITHOUT `after` (short polling: the newest page; long polling: the same with
 *   timeoutMs=0 so it answers at once), keep only its `cursor` and `count`, and do not list
 *   that page; from then on they carry the cursor (`after=<cursor>`) exactly like the harness.
 *   That way three pages opened side by side list the same notifications.
 * - SSE uses the browser's EventSource (`push` and `count` listeners) and relies on its own
 *   reconnect with Last-Event-ID. Only when EventSource gives up (a non-200 answer such as 503
 *   makes it close for good) does the page open a new one after a backoff, passing the last id
 *   as `?lastEventId=` (a page cannot set the header itself).
 * - WebSocket uses the browser's WebSocket on /ws (same origin, ws: or wss: as the page) and
 *   handles `push`, `count` and `reset` messages. The browser has no reconnect of its own: on
 *   every close the page opens a new socket after a backoff (1 s, 2 s, ... 10 s, reset once a
 *   socket opens), resuming with `?after=<last push id>`; the first one starts from now. A
 *   refused upgrade (429, 503) shows as a close with code 1006: browsers hide the HTTP status.
 * - Polling pages back off after a failed request (1 s, 2 s, 4 s, 8 s, then 10 s) and resume
 *   from their cursor. Short polling waits 1 s between an answer and the next request; long
 *   polling asks for a 25 s hold and re-polls at once.
 * - Nothing is de-duplicated: the list shows exactly what the server delivered, and a
 *   "repeated ids" counter makes a duplicate visible instead of hiding it.
 * - A reset (SSE `reset` event, polling `reset: true`: the history was trimmed past the page's
 *   cursor) shows a notice line and counts in "resets", so a gap is never silent.
 */
// biome-ignore lint/complexity/noUselessStringRaw: keeps any future escape (\n, \d) in the page script verbatim
export const DEMO_PAGE_SCRIPT = String.raw`
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("demo-config").textContent);
  var strategy = config.strategy;
  var userId = config.userId;
  var apiBase = "/api/notifications/" + encodeURIComponent(userId);
  var SHORT_POLL_INTERVAL_MS = 1000;
  var LONG_POLL_HOLD_MS = 25000;
  var MAX_BACKOFF_MS = 10000;
  var MAX_LISTED = 200;
  var encoder = new TextEncoder();

  function byId(id) { return document.getElementById(id); }
  function setText(id, text) { byId(id).textContent = String(text); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  // ---- counters -------------------------------------------------------------------------
  var stats = { requests: 0, bytes: 0, received: 0, repeated: 0 };
  var seenIds = new Set();
  function countRequest() { stats.requests += 1; setText("stat-requests", stats.requests); }
  function countBytes(text) {
    stats.bytes += encoder.encode(text).length;
    setText("stat-bytes", stats.bytes.toLocaleString("en-US"));
  }
  function setCount(count) { setText("count", count); }
  function setCursor(cursor) { setText("cursor", cursor === null ? "(none yet)" : cursor); }

  // ---- resets ---------------------------------------------------------------------------
  var RESET_TEXT =
    "notifications between the cursor and the oldest kept one were removed; the list continues from the ones that follow";
  var resets = 0;
  function showReset(detail) {
    resets += 1;
    setText("stat-resets", resets);
    var note = byId("reset-note");
    note.textContent =
      "Reset at " + formatTime(Date.now()) + ": " + detail + (resets > 1 ? " (" + resets + " resets)" : "");
    note.hidden = false;
  }

  // ---- connection state -----------------------------------------------------------------
  function setState(state, detail) {
    var box = byId("state");
    box.setAttribute("data-state", state);
    setText("state-text", state);
    setText("state-detail", detail || "");
  }
  function backoffMs(attempt) {
    return Math.min(1000 * Math.pow(2, Math.max(0, attempt - 1)), MAX_BACKOFF_MS);
  }

  // ---- the list -------------------------------------------------------------------------
  function two(n) { return n < 10 ? "0" + n : String(n); }
  function formatTime(ms) {
    var d = new Date(ms);
    if (isNaN(d.getTime())) return "?";
    var millis = String(d.getMilliseconds());
    while (millis.length < 3) millis = "0" + millis;
    return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds()) + "." + millis;
  }
  function render(n) {
    var id = String(n.id);
    stats.received += 1;
    if (seenIds.has(id)) stats.repeated += 1;
    seenIds.add(id);
    setText("stat-received", stats.received);
    setText("stat-repeated", stats.repeated);

    var item = el("li", "note");
    item.setAttribute("data-seq", String(n.seq));
    item.setAttribute("data-id", id);
    var head = el("div", "note-head");
    head.appendChild(el("span", "note-seq", "#" + n.seq));
    head.appendChild(el("span", "note-title", n.title));
    var time = el("time", "note-time", formatTime(n.sentAt));
    if (!isNaN(new Date(n.sentAt).getTime())) time.dateTime = new Date(n.sentAt).toISOString();
    head.appendChild(time);
    item.appendChild(head);
    item.appendChild(el("div", "note-message", n.message));
    var extra = [];
    if (typeof n.serviceType === "string") extra.push("service: " + n.serviceType);
    // A link is shown as text only: it came from whoever published, so it is not made clickable.
    if (typeof n.link === "string") extra.push("link: " + n.link);
    extra.push("id " + id);
    item.appendChild(el("div", "note-extra", extra.join("  ·  ")));

    var list = byId("list");
    list.insertBefore(item, list.firstChild);
    while (list.children.length > MAX_LISTED) list.removeChild(list.lastChild);
    byId("empty").hidden = true;
  }

  // ---- SSE ------------------------------------------------------------------------------
  function startSse() {
    var lastId = null;
    var giveUps = 0;
    function open() {
      var url = apiBase + "/sse";
      if (lastId !== null) url += "?lastEventId=" + encodeURIComponent(lastId);
      var source = new EventSource(url);
      countRequest();
      source.addEventListener("open", function () {
        giveUps = 0;
        setState("connected", "one open stream; the server pushes");
      });
      source.addEventListener("push", function (event) {
        countBytes(event.data);
        lastId = event.lastEventId;
        setCursor(lastId);
        render(JSON.parse(event.data));
      });
      source.addEventListener("reset", function (event) {
        countBytes(event.data);
        var detail = RESET_TEXT;
        try {
          var body = JSON.parse(event.data);
          if (body && typeof body.message === "string") detail = body.message;
        } catch (ignored) {
          // not JSON: keep the page's own wording
        }
        showReset(detail);
      });
      source.addEventListener("count", function (event) {
        countBytes(event.data);
        setCount(event.data);
      });
      source.addEventListener("error", function () {
        if (source.readyState === EventSource.CONNECTING) {
          // EventSource reconnects by itself after the server's retry: hint, sending
          // Last-Event-ID; that attempt is one more request.
          countRequest();
          setState(
            "reconnecting",
            "stream lost; EventSource retries by itself" +
              (lastId === null ? "" : " with Last-Event-ID " + lastId),
          );
          return;
        }
        // CLOSED: EventSource gave up (e.g. the server answered 503). Open a new one later.
        source.close();
        giveUps += 1;
        var delay = backoffMs(giveUps);
        setState("error", "the server refused the stream; new stream in " + delay / 1000 + " s");
        setTimeout(open, delay);
      });
    }
    open();
  }

  // ---- WebSocket ------------------------------------------------------------------------
  function startWebSocket() {
    var lastId = null;
    var failures = 0;
    function open() {
      var scheme = location.protocol === "https:" ? "wss:" : "ws:";
      var url = scheme + "//" + location.host + apiBase + "/ws";
      if (lastId !== null) url += "?after=" + encodeURIComponent(lastId);
      var socket = new WebSocket(url);
      var opened = false;
      countRequest();
      socket.addEventListener("open", function () {
        opened = true;
        failures = 0;
        setState("connected", "one open WebSocket; the server pushes");
      });
      socket.addEventListener("message", function (event) {
        var text = String(event.data);
        countBytes(text);
        var message;
        try {
          message = JSON.parse(text);
        } catch (ignored) {
          return; // not one of ours
        }
        if (message.type === "push") {
          lastId = String(message.id);
          setCursor(lastId);
          render(message.data);
        } else if (message.type === "count") {
          setCount(message.data);
        } else if (message.type === "reset") {
          var data = message.data;
          showReset(data && typeof data.message === "string" ? data.message : RESET_TEXT);
        }
      });
      socket.addEventListener("close", function (event) {
        failures += 1;
        var delay = backoffMs(failures);
        var why = opened
          ? "socket closed (" + event.code + (event.reason ? " " + event.reason : "") + ")"
          : "the server refused the socket";
        setState(
          opened ? "reconnecting" : "error",
          why + "; new socket in " + delay / 1000 + " s" +
            (lastId === null ? "" : " with ?after=" + lastId),
        );
        setTimeout(open, delay);
      });
    }
    open();
  }

  // ---- polling --------------------------------------------------------------------------
  function startPolling(long) {
    var cursor = null;
    var failures = 0;
    function url() {
      if (!long) return cursor === null ? apiBase : apiBase + "?after=" + encodeURIComponent(cursor);
      if (cursor === null) return apiBase + "/poll?timeoutMs=0";
      return apiBase + "/poll?after=" + encodeURIComponent(cursor) + "&timeoutMs=" + LONG_POLL_HOLD_MS;
    }
    function poll() {
      countRequest();
      fetch(url(), { cache: "no-store", headers: { accept: "application/json" } })
        .then(function (response) {
          return response.text().then(function (text) {
            countBytes(text);
            if (!response.ok) {
              var failure = new Error(errorText(response.status, text));
              failure.clientError = response.status >= 400 && response.status < 500;
              throw failure;
            }
            return JSON.parse(text);
          });
        })
        .then(
          function (body) {
            failures = 0;
            if (cursor === null) {
              var earlier = body.notifications.length;
              setText("start-note", earlier > 0 ? earlier + " earlier notification(s) not listed: the page starts from now." : "");
            } else {
              if (body.reset === true) showReset(RESET_TEXT);
              body.notifications.forEach(render);
            }
            cursor = body.cursor;
            setCursor(cursor);
            setCount(body.count);
            setState(
              "connected",
              long ? "a request is held until something arrives (max 25 s)" : "asking every 1 s",
            );
            setTimeout(poll, long ? 0 : SHORT_POLL_INTERVAL_MS);
          },
          function (error) {
            failures += 1;
            var delay = backoffMs(failures);
            setState(
              error && error.clientError ? "error" : "reconnecting",
              String(error && error.message ? error.message : error) +
                "; retry in " + delay / 1000 + " s" +
                (cursor === null ? "" : " from cursor " + cursor),
            );
            setTimeout(poll, delay);
          },
        );
    }
    poll();
  }

  function errorText(status, text) {
    try {
      var body = JSON.parse(text);
      if (body && typeof body.error === "string") {
        return status + " " + body.error + (typeof body.detail === "string" ? ": " + body.detail : "");
      }
    } catch (ignored) {
      // not JSON: show the status only
    }
    return "HTTP " + status;
  }

  // ---- publish form ---------------------------------------------------------------------
  byId("publish").addEventListener("submit", function (event) {
    event.preventDefault();
    var result = byId("publish-result");
    result.setAttribute("data-status", "pending");
    result.textContent = "publishing...";
    fetch(apiBase, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: byId("title").value, message: byId("message").value }),
    })
      .then(function (response) {
        return response.text().then(function (text) {
          if (response.ok) {
            var body = JSON.parse(text);
            result.setAttribute("data-status", "ok");
            result.textContent = "published seq " + body.seq + " (id " + body.id + ")";
          } else {
            result.setAttribute("data-status", "error");
            result.textContent = errorText(response.status, text);
          }
        });
      })
      .catch(function (error) {
        result.setAttribute("data-status", "error");
        result.textContent = "publish failed: " + (error && error.message ? error.message : error);
      });
  });

  // ---- links to the same user on the other strategies -----------------------------------
  (function renderLinks() {
    var servers = {};
    Object.keys(config.links).forEach(function (key) { servers[key] = config.links[key]; });
    servers[strategy] = location.origin;
    var list = byId("links");
    config.strategies.forEach(function (other) {
      var item = el("li");
      if (other === strategy) {
        item.appendChild(el("strong", "", other));
        item.appendChild(document.createTextNode(" (this page)"));
      } else if (servers[other]) {
        var target = new URL("/", servers[other]);
        target.searchParams.set("user", userId);
        config.strategies.forEach(function (name) {
          if (servers[name]) target.searchParams.set(name, servers[name]);
        });
        var link = el("a", "", other);
        link.href = target.href;
        item.appendChild(link);
        item.appendChild(document.createTextNode(" at " + servers[other]));
      } else {
        item.appendChild(el("span", "muted", other));
        item.appendChild(document.createTextNode(" (not linked: start it, see below)"));
      }
      list.appendChild(item);
    });
  })();

  setCursor(null);
  if (strategy === "sse") startSse();
  else if (strategy === "websocket") startWebSocket();
  else startPolling(strategy === "long-polling");
})();
`;
