/**
 * The polling loop against small real HTTP servers: template endpoints, resets, error answers,
 * failover to the next endpoint after a network failure, and drop().
 */
import { describe, expect, it } from "vitest";
import {
  type RecordingContext,
  recordingContext,
  refusedEndpoint,
  type StubServer,
  startStubServer,
  templateEndpoint,
  trackForCleanup,
  waitFor,
} from "../test-support/clients.ts";
import type { SimulatedClient } from "./client-context.ts";
import { createLongPollingClient } from "./long-polling-client.ts";
import { POLL_ERROR_BACKOFF_MS } from "./polling-client.ts";
import { createShortPollingClient } from "./short-polling-client.ts";

const track = trackForCleanup();

/**
 * A polling server whose cursor is the index of the next notification: `after=` (empty or
 * absent) = from now. `answers` scripts extra fields per request number.
 */
async function cursorServer(
  notifications: unknown[],
  extra: (requestNumber: number) => Record<string, unknown> = () => ({}),
): Promise<StubServer> {
  let requestNumber = 0;
  return startStubServer((_req, res, request) => {
    requestNumber += 1;
    const after = request.query.get("after") ?? "";
    const from = after === "" ? notifications.length : Number(after);
    const page = notifications.slice(from);
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        notifications: page,
        cursor: String(from + page.length),
        ...extra(requestNumber),
      }),
    );
  });
}

function shortPoller(rec: RecordingContext, endpointIndex = 0): SimulatedClient {
  return track(
    createShortPollingClient(rec.ctx, "u1", { intervalMs: 20, jitterRatio: 0, endpointIndex }),
  );
}

describe("polling client, template endpoints", () => {
  it("first request has an empty cursor, then follows the server's cursor; objects pass as they arrived", async () => {
    const notifications: unknown[] = [];
    const server = track(await cursorServer(notifications));
    const rec = recordingContext([templateEndpoint(server.url, "/feed/{userId}", true)]);
    const client = shortPoller(rec);
    // Against a template, start() resolves once the first request is sent (a long poll may be
    // held), not when it is answered.
    await client.start();
    await waitFor(() => server.requests.length >= 1, "the first request");
    expect(server.requests[0]?.path).toBe("/feed/u1");
    expect(server.requests[0]?.query.get("after")).toBe("");
    // Arbitrary shapes: the client does not assume our servers' notification format.
    notifications.push({ wrapped: { payload: { seq: 1 } } }, "plain", 42);
    await waitFor(() => rec.notifications().length === 3, "the three notifications");
    expect(rec.notifications()).toEqual([{ wrapped: { payload: { seq: 1 } } }, "plain", 42]);
    await waitFor(() => server.requests.length >= 4, "more polls");
    expect(server.requests.at(-1)?.query.get("after")).toBe("3");
    expect(rec.calls.filter((c) => c.hook === "connected").length).toBeGreaterThanOrEqual(3);
    expect(rec.stats.errors).toBe(0);
  });

  it("against a template, a held first poll still counts as connected once it is sent", async () => {
    const server = track(
      await startStubServer((_req, res) => {
        // Never answers within the test: a long poll held by an external server.
        setTimeout(
          () => res.end(JSON.stringify({ notifications: [], cursor: "1" })),
          10_000,
        ).unref();
      }),
    );
    const rec = recordingContext([templateEndpoint(server.url, "/p/{userId}", true)]);
    const client = shortPoller(rec);
    await client.start();
    await waitFor(() => server.requests.length >= 1, "the held request");
    client.stop();
  });

  it("accepts a numeric cursor from an external server", async () => {
    let n = 0;
    const server = track(
      await startStubServer((_req, res) => {
        n += 1;
        res.end(JSON.stringify({ notifications: [], cursor: 100 + n }));
      }),
    );
    const rec = recordingContext([templateEndpoint(server.url, "/p/{userId}", true)]);
    await shortPoller(rec).start();
    await waitFor(() => server.requests.length >= 2, "a second poll");
    expect(server.requests[1]?.query.get("after")).toBe("101");
  });
});

describe("polling client, resets", () => {
  it("reset: true is counted and announced before that answer's notifications", async () => {
    const notifications: unknown[] = [{ n: 1 }, { n: 2 }];
    const server = track(
      await startStubServer((_req, res, request) => {
        const after = request.query.get("after");
        // Our cursor "0-0" is older than the kept history: the gap is announced.
        const body =
          after === "0-0"
            ? { notifications, cursor: "2", reset: true }
            : { notifications: [], cursor: after };
        res.end(JSON.stringify(body));
      }),
    );
    const rec = recordingContext([server.endpoint]);
    await shortPoller(rec).start();
    await waitFor(() => rec.stats.emptyResponses >= 1, "the first answer");
    expect(rec.stats.resets).toBe(1);
    expect(rec.calls.slice(0, 3).map((c) => c.hook)).toEqual([
      "connected",
      "reset",
      "notifications",
    ]);
    await waitFor(() => server.requests.length >= 3, "later polls");
    expect(rec.stats.resets).toBe(1);
  });

  it("a reset with no notifications still reaches the caller (the gap must be heard)", async () => {
    const server = track(
      await cursorServer([], (requestNumber) => (requestNumber === 1 ? { reset: true } : {})),
    );
    const rec = recordingContext([templateEndpoint(server.url, "/p/{userId}", true)]);
    await shortPoller(rec).start();
    await waitFor(() => rec.stats.emptyResponses >= 1, "the first answer");
    expect(rec.stats.resets).toBe(1);
    expect(rec.calls.filter((c) => c.hook === "reset")).toHaveLength(1);
    expect(rec.stats.emptyResponses).toBeGreaterThanOrEqual(1);
  });
});

describe("polling client, errors and failover", () => {
  it("a 503 counts as an error, honours Retry-After and stays on the same endpoint", async () => {
    let refused = 1;
    const first = track(
      await startStubServer((_req, res) => {
        if (refused-- > 0) {
          res.writeHead(503, { "retry-after": "0", "content-type": "application/json" });
          res.end(JSON.stringify({ error: "busy" }));
          return;
        }
        res.end(JSON.stringify({ notifications: [], cursor: "0-0" }));
      }),
    );
    const second = track(await cursorServer([]));
    const rec = recordingContext([first.endpoint, second.endpoint]);
    await shortPoller(rec).start();
    expect(rec.stats.errors).toBe(1);
    expect(rec.calls[0]).toEqual({ hook: "disrupted", userId: "u1", reason: "HTTP 503" });
    expect(second.requests).toHaveLength(0);
  });

  it("fails over to the next endpoint when the first refuses, and starts there", async () => {
    const live = track(await cursorServer([]));
    const rec = recordingContext([await refusedEndpoint(), live.endpoint]);
    await shortPoller(rec, 0).start();
    expect(rec.stats.errors).toBe(1);
    const disrupted = rec.calls.find((c) => c.hook === "disrupted");
    expect(disrupted?.hook === "disrupted" && disrupted.reason).toMatch(/ECONNREFUSED/);
    expect(live.requests.length).toBeGreaterThanOrEqual(1);
    // Our servers' initial cursor, unchanged by the failover.
    expect(live.requests[0]?.query.get("after")).toBe("0-0");
  });

  it("endpointIndex picks the starting endpoint (modulo the count)", async () => {
    const a = track(await cursorServer([]));
    const b = track(await cursorServer([]));
    const rec = recordingContext([a.endpoint, b.endpoint]);
    await shortPoller(rec, 3).start();
    expect(b.requests.length).toBeGreaterThanOrEqual(1);
    expect(a.requests).toHaveLength(0);
  });

  it("carries its cursor over when its instance dies mid-hold", async () => {
    const history: unknown[] = [];
    // Instance A answers the first (cursorless) poll, then holds: a long-poll server.
    const a = track(
      await startStubServer((_req, res, request) => {
        const after = request.query.get("after") ?? "";
        if (after === "") res.end(JSON.stringify({ notifications: [], cursor: "0" }));
      }),
    );
    const b = track(await cursorServer(history));
    const rec = recordingContext([
      templateEndpoint(a.url, "/lp/{userId}", true),
      templateEndpoint(b.url, "/lp/{userId}", true),
    ]);
    const client = track(createLongPollingClient(rec.ctx, "u1", { holdMs: 1000 }));
    await client.start();
    await waitFor(() => a.requests.length === 2, "the held poll");
    history.push({ n: 1 });
    await a.crash();
    await waitFor(() => rec.notifications().length === 1, "the notification, from B");
    expect(rec.notifications()).toEqual([{ n: 1 }]);
    expect(b.requests[0]?.query.get("after")).toBe("0");
    expect(rec.stats.errors).toBe(1);
    // (B answers at once, so the long poller keeps asking: only the start of the story matters.)
    // A long poller also reports "connected" when a poll reaches the server (it may be held),
    // so repeats are folded.
    const hooks = rec.calls.map((c) => c.hook).filter((hook, i, all) => hook !== all[i - 1]);
    expect(hooks.slice(0, 4)).toEqual(["connected", "disrupted", "connected", "notifications"]);
  });
});

describe("polling client, drop()", () => {
  it("cuts the held poll and its socket, reconnects after the delay from the same cursor", async () => {
    const held: { end: (body: string) => void }[] = [];
    const server = track(
      await startStubServer((_req, res, request) => {
        const after = request.query.get("after");
        if (after === "0-0") {
          res.end(JSON.stringify({ notifications: [{ seq: 1 }], cursor: "c1" }));
          return;
        }
        held.push({ end: (body) => res.end(body) }); // hold until cut
      }),
    );
    const rec = recordingContext([server.endpoint]);
    const client = track(createLongPollingClient(rec.ctx, "u1", { holdMs: 30_000 }));
    client.drop(0); // before start: nothing to drop
    await client.start();
    await waitFor(() => held.length === 1, "the held poll");
    const opened = rec.wire.snapshot().connectionsOpened;
    client.drop(50);
    client.drop(50); // repeatedly: still one reconnect
    expect(rec.calls.filter((c) => c.hook === "disrupted")).toHaveLength(2);
    await waitFor(() => held.length === 2, "the reconnect");
    expect(server.requests.map((r) => r.query.get("after"))).toEqual(["0-0", "c1", "c1"]);
    // A fresh TCP connection: the old socket was destroyed with the agent's sockets.
    expect(rec.wire.snapshot().connectionsOpened).toBe(opened + 1);
    // The drop is injected, not a client error.
    expect(rec.stats.errors).toBe(0);
    expect(rec.notifications()).toEqual([{ seq: 1 }]);
    client.stop();
    client.drop(0); // after stop: nothing
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(held).toHaveLength(2);
  });

  it("drop() while a retry timer is pending replaces the timer", async () => {
    const live = track(await cursorServer([]));
    const rec = recordingContext([await refusedEndpoint(), live.endpoint]);
    // A long interval: any second request would come from a second, leaked loop.
    const client = track(
      createShortPollingClient(rec.ctx, "u1", { intervalMs: 60_000, jitterRatio: 0 }),
    );
    const started = client.start();
    await waitFor(() => rec.stats.errors === 1, "the refused poll");
    // The error backoff is pending; drop reconnects at once (the failover already happened).
    client.drop(0);
    await started;
    expect(live.requests).toHaveLength(1);
    // Past the replaced backoff: still one loop, so still one request.
    await new Promise((resolve) => setTimeout(resolve, POLL_ERROR_BACKOFF_MS + 100));
    expect(live.requests).toHaveLength(1);
  });
});

describe("polling client, a server that says when to come back", () => {
  it("waits what Retry-After asks on every failure in a row, never backing off past it", async () => {
    // A 503 + Retry-After: 0 answer, as our servers give while Redis is away (with 1 s there):
    // the wait stays at the floor (10 ms here) instead of doubling per failure.
    const server = track(
      await startStubServer((_req, res) => {
        res.writeHead(503, { "content-type": "application/json", "retry-after": "0" });
        res.end('{"error":"redis unavailable"}');
      }),
    );
    const rec = recordingContext([templateEndpoint(server.url, "/feed/{userId}", true)]);
    const client = shortPoller(rec);
    await client.start();
    await waitFor(() => server.requests.length >= 12, "a dozen polls");
    expect(rec.stats.errors).toBeGreaterThanOrEqual(11);
    expect(rec.stats.backoffs).toBe(0);
    expect(rec.stats.backoffMaxMs).toBeLessThan(100);
  });

  it("backs off from a failure that carries no Retry-After", async () => {
    const server = track(
      await startStubServer((_req, res) => {
        res.writeHead(503, { "content-type": "application/json" });
        res.end('{"error":"busy"}');
      }),
    );
    const rec = recordingContext([templateEndpoint(server.url, "/feed/{userId}", true)]);
    const client = shortPoller(rec);
    await client.start();
    await waitFor(() => rec.stats.backoffs >= 2, "two backed-off retries");
    expect(rec.stats.backoffMaxMs).toBeGreaterThan(POLL_ERROR_BACKOFF_MS);
  });
});
